/**
 * The elementwise updates of SGD, Momentum (plain and Nesterov), RMSProp (plain and centered),
 * Adagrad and Adadelta as WebAssembly SIMD loops over the wasm backend's memory, four float32 lanes at a
 * time (cf. adamSimd.ts). Every lane operation rounds to float32 exactly as the JavaScript
 * version's Math.fround after each operation (trainStep/optimizerUpdate.ts) and tfjs's own
 * kernels do, in the same order, so the results are the same to the bit.
 *
 * All functions share one signature: (x, g, s0, s1, s2, n, c0, c1, c2, c3, c4, c5), pointers as
 * byte offsets (x the weights, g the gradient, s0-s2 the slot variables the update uses, 0
 * otherwise), n the element count, c0-c5 the float32 constants. Each updates the first
 * n - n % 4 elements; the caller does the rest.
 */
import { F32, I32, V128, functionBody, instantiateOnMemory, sleb, uleb } from '../wasm/assembler';
import { wasmMemoryOf } from '../wasm/backendMemory';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type OptimizerSimdFunction = (
  x: number,
  g: number,
  s0: number,
  s1: number,
  s2: number,
  n: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  c4: number,
  c5: number,
) => void;

export const SIMD_UPDATES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'rmspropCentered', 'adagrad', 'adadelta'] as const;
export type SimdUpdate = (typeof SIMD_UPDATES)[number];

// Parameters 0-5 pointers and n, 6-11 the constants; locals 12 offset, 13 end, 14-19 the
// constants splatted to four lanes, 20-23 temporaries.
const [X, G, S0, S1, S2, N] = [0, 1, 2, 3, 4, 5];
const [OFF, END, SPLAT, TEMP] = [12, 13, 14, 20];
type Pointer = typeof X | typeof G | typeof S0 | typeof S1 | typeof S2;

/** A lane-wise expression: a value loaded at a pointer, a constant, a temporary, or an operation. */
type Expr = { load: Pointer } | { c: number } | { temp: number } | { op: 'add' | 'sub' | 'mul' | 'div'; a: Expr; b: Expr } | { sqrt: Expr };

type Statement = { temp: number; value: Expr } | { store: Pointer; value: Expr };

const OPCODES = { sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7 };
const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const address = (p: Pointer) => [...get(p), ...get(OFF), 0x6a];

function expression(e: Expr): number[] {
  if ('load' in e) return [...address(e.load), ...simd(0x00), 4, 0];
  if ('c' in e) return get(SPLAT + e.c);
  if ('temp' in e) return get(TEMP + e.temp);
  if ('sqrt' in e) return [...expression(e.sqrt), ...simd(OPCODES.sqrt)];
  return [...expression(e.a), ...expression(e.b), ...simd(OPCODES[e.op])];
}

function statement(s: Statement): number[] {
  if ('temp' in s) return [...expression(s.value), ...set(TEMP + s.temp)];
  return [...address(s.store), ...expression(s.value), ...simd(0x0b), 4, 0];
}

/** The loop over offsets 0, 16, … below (n & ~3) · 4 running `statements` on four lanes each. */
function body(statements: Statement[]): number[] {
  const code = [
    ...[0, 1, 2, 3, 4, 5].flatMap((k) => [...get(6 + k), ...simd(0x13), ...set(SPLAT + k)]),
    ...get(N),
    0x41,
    ...sleb(-4),
    0x71, // i32.and
    0x41,
    ...sleb(2),
    0x74, // i32.shl
    ...set(END),
    0x02,
    0x40, // block
    ...get(OFF),
    ...get(END),
    0x4f, // i32.ge_u
    0x0d,
    0, // br_if 0
    0x03,
    0x40, // loop
    ...statements.flatMap(statement),
    ...get(OFF),
    0x41,
    ...sleb(16),
    0x6a,
    0x22,
    OFF, // local.tee
    ...get(END),
    0x49, // i32.lt_u
    0x0d,
    0, // br_if 0
    0x0b,
    0x0b,
    0x0b,
  ];
  return functionBody(
    [
      [2, I32],
      [10, V128],
    ],
    code,
  );
}

const load = (p: Pointer): Expr => ({ load: p });
const c = (k: number): Expr => ({ c: k });
const t = (k: number): Expr => ({ temp: k });
const add = (a: Expr, b: Expr): Expr => ({ op: 'add', a, b });
const sub = (a: Expr, b: Expr): Expr => ({ op: 'sub', a, b });
const mul = (a: Expr, b: Expr): Expr => ({ op: 'mul', a, b });
const div = (a: Expr, b: Expr): Expr => ({ op: 'div', a, b });
const sqrt = (a: Expr): Expr => ({ sqrt: a });
const g = load(G);

/** Each update, in tfjs's order of operations (see optimizerUpdate.ts for the formulas and constants). */
const UPDATES: Record<SimdUpdate, Statement[]> = {
  // c0 = c: x' = c·g + x
  sgd: [{ store: X, value: add(mul(c(0), g), load(X)) }],
  // c0 = c, c1 = m; s0 = acc: acc' = m·acc + g; x' = c·acc' + x
  momentum: [
    { temp: 0, value: add(mul(c(1), load(S0)), g) },
    { store: S0, value: t(0) },
    { store: X, value: add(mul(c(0), t(0)), load(X)) },
  ],
  // as momentum, x' = c·(g + acc'·m) + x
  nesterov: [
    { temp: 0, value: add(mul(c(1), load(S0)), g) },
    { store: S0, value: t(0) },
    { store: X, value: add(mul(c(0), add(g, mul(t(0), c(1)))), load(X)) },
  ],
  // c0 = decay, c1 = 1 − decay, c2 = momentum, c3 = lr, c4 = ε; s0 = ms, s1 = mom:
  // ms' = ms·decay + g²·(1−decay); mom' = mom·momentum + g·lr / sqrt(ms' + ε); x' = x − mom'
  rmsprop: [
    { temp: 0, value: add(mul(load(S0), c(0)), mul(mul(g, g), c(1))) },
    { store: S0, value: t(0) },
    { temp: 1, value: add(mul(load(S1), c(2)), div(mul(g, c(3)), sqrt(add(t(0), c(4))))) },
    { store: S1, value: t(1) },
    { store: X, value: sub(load(X), t(1)) },
  ],
  // as rmsprop with s2 = mg: mg' = mg·decay + g·(1−decay); the denominator sqrt(ms' − (mg'² + ε))
  rmspropCentered: [
    { temp: 0, value: add(mul(load(S0), c(0)), mul(mul(g, g), c(1))) },
    { store: S0, value: t(0) },
    { temp: 2, value: add(mul(load(S2), c(0)), mul(g, c(1))) },
    { store: S2, value: t(2) },
    { temp: 1, value: add(mul(load(S1), c(2)), div(mul(g, c(3)), sqrt(sub(t(0), add(mul(t(2), t(2)), c(4)))))) },
    { store: S1, value: t(1) },
    { store: X, value: sub(load(X), t(1)) },
  ],
  // c0 = ε, c1 = −lr; s0 = acc: acc' = acc + g²; x' = g / sqrt(acc' + ε) · (−lr) + x
  adagrad: [
    { temp: 0, value: add(load(S0), mul(g, g)) },
    { store: S0, value: t(0) },
    { store: X, value: add(mul(div(g, sqrt(add(t(0), c(0)))), c(1)), load(X)) },
  ],
  // c0 = ρ, c1 = 1 − ρ, c2 = ε, c3 = −lr; s0 = ag, s1 = au: u = sqrt(au + ε) / sqrt(ag + ε) · g
  // with the old ag; ag' = ag·ρ + g²·(1−ρ); au' = au·ρ + u²·(1−ρ); x' = u·(−lr) + x
  adadelta: [
    { temp: 0, value: load(S0) },
    { temp: 1, value: load(S1) },
    { store: S0, value: add(mul(t(0), c(0)), mul(mul(g, g), c(1))) },
    { temp: 2, value: mul(div(sqrt(add(t(1), c(2))), sqrt(add(t(0), c(2)))), g) },
    { store: S1, value: add(mul(t(1), c(0)), mul(mul(t(2), t(2)), c(1))) },
    { store: X, value: add(mul(t(2), c(3)), load(X)) },
  ],
};

const byBackend = new WeakMap<BackendWasm, Record<SimdUpdate, OptimizerSimdFunction> | null>();

/** The SIMD updates over this backend's memory, or null where WebAssembly SIMD is not available. */
export function optimizerSimdFor(backend: BackendWasm): Record<SimdUpdate, OptimizerSimdFunction> | null {
  let found = byBackend.get(backend);
  if (found === undefined) {
    found = null;
    const memory = wasmMemoryOf(backend);
    if (memory) {
      try {
        const exports = instantiateOnMemory(
          memory,
          [...Array<number>(6).fill(I32), ...Array<number>(6).fill(F32)],
          [...SIMD_UPDATES],
          SIMD_UPDATES.map((name) => body(UPDATES[name])),
        );
        found = Object.fromEntries(SIMD_UPDATES.map((name) => [name, exports[name] as OptimizerSimdFunction])) as Record<
          SimdUpdate,
          OptimizerSimdFunction
        >;
      } catch {
        found = null;
      }
    }
    byBackend.set(backend, found);
  }
  return found;
}
