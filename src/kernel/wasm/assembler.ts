/**
 * The few pieces of the WebAssembly binary format tfnb's hand-assembled kernels (the fused Adam,
 * the SIMD matrix product) need: LEB128 numbers, vectors, sections, names, and a module that
 * imports the wasm backend's memory and exports functions of one signature.
 */
import { setFlagsFromString } from 'node:v8';

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
export const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

/** A function body: its local declarations (count, type pairs) and code, prefixed by their size. */
export function functionBody(locals: Array<[count: number, type: number]>, code: number[]): number[] {
  const declared = vec(locals);
  return [...uleb(declared.length + code.length), ...declared, ...code];
}

/**
 * Instantiates a module that imports `env.memory` (the backend's heap) and exports `bodies` as
 * functions named `names`, all of type (params) -> (). Throws where WebAssembly (SIMD) is missing.
 */
export function instantiateOnMemory(
  memory: WebAssembly.Memory,
  params: number[],
  names: string[],
  bodies: number[][],
): WebAssembly.Exports {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  // Memory limits: at least one page; a shared memory (the threaded build's) must declare its maximum.
  const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const type = [0x60, ...uleb(params.length), ...params, 0];
  const bytes = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec(bodies.map(() => [0]))),
    ...section(7, vec(names.map((n, i) => [...name(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
  return new WebAssembly.Instance(compileOptimized(bytes), { env: { memory } }).exports;
}

/**
 * Compiles every function with V8's optimizing tier at once. By default V8 compiles a function
 * of a module lazily, at its first call, with its baseline compiler (Liftoff), and optimizes it
 * later in the background once it is hot; these kernels each run long loops from few calls, and
 * their optimization waits behind whatever else V8 is compiling (resvg's large module after a
 * first PNG, say): a training run's first epoch then ran baseline code 5-15x slower. The two
 * flags are off only while these small modules compile (a few milliseconds); tfjs's module and
 * any other keep V8's defaults.
 */
function compileOptimized(bytes: BufferSource): WebAssembly.Module {
  return compileWithV8Flags(bytes, '--no-liftoff --no-wasm-lazy-compilation', '--liftoff --wasm-lazy-compilation');
}

/**
 * Compiles a module with V8 flags `during` set (read when the module compiles), then `after`
 * (their defaults). A runtime that refuses flags at run time compiles as it always does.
 */
export function compileWithV8Flags(bytes: BufferSource, during: string, after: string): WebAssembly.Module {
  let toggled = false;
  try {
    setFlagsFromString(during);
    toggled = true;
  } catch {
    // compiled below with the flags as they are
  }
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    if (toggled) setFlagsFromString(after);
  }
}
