/**
 * Relaxed SIMD (f32x4.relaxed_madd: a fused multiply-add where the CPU has one) for tfnb's own
 * WebAssembly products. Node 22+ has it on; Node 20 behind --experimental-wasm-relaxed-simd, a V8
 * flag that can still be set at run time (before the module using it is compiled), which the
 * kernel, tfnb's own process, does here. TFNB_WASM_FMA=off keeps the plain SIMD path, =on
 * requires FMA (the products fail to build without it), unset or auto uses it where it works.
 */
import { setFlagsFromString } from 'node:v8';

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a,
  0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

let available: boolean | undefined;

/** Whether this runtime compiles relaxed SIMD, turning V8's flag on first where needed. */
export function relaxedSimdAvailable(): boolean {
  if (available !== undefined) return available;
  available = WebAssembly.validate(PROBE);
  if (!available) {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      available = WebAssembly.validate(PROBE);
    } catch {
      available = false;
    }
  }
  return available;
}

/** The FMA choice for createGemmSimd, from TFNB_WASM_FMA. */
export function fmaWanted(env: NodeJS.ProcessEnv = process.env): boolean | 'auto' {
  const value = (env.TFNB_WASM_FMA ?? 'auto').toLowerCase();
  if (value === 'off' || value === '0' || value === 'false') return false;
  if (value === 'on' || value === '1' || value === 'true') return relaxedSimdAvailable() || true;
  return relaxedSimdAvailable() ? 'auto' : false;
}
