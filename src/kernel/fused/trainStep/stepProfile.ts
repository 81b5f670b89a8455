/**
 * Where a fused training step's time goes, for bench/wasm/profile.ts: tf.profile sees no kernel
 * in a fused step, so while `stepProfile.times` is set, trainers made from then on time each SIMD
 * product and loop they call (by name and size) into it. Off (undefined) in normal use: the
 * trainers then call the kernels directly.
 */
import type { ImageKernels } from '../../wasm/simdImageKernels';
import type { Gemm, GemmSimd } from '../../wasm/simdMatrixProduct';

export const stepProfile: { times: Map<string, number> | undefined } = { times: undefined };

function timed<F extends (...args: number[]) => void>(f: F, label: (args: number[]) => string): F {
  return ((...args: number[]) => {
    const start = performance.now();
    f(...args);
    const times = stepProfile.times;
    if (times) times.set(label(args), (times.get(label(args)) ?? 0) + performance.now() - start);
  }) as F;
}

/** The products, timed while profiling (labels: `gemm_nn m×n×k`). */
export function profiledGemm(gemm: GemmSimd): GemmSimd {
  if (!stepProfile.times) return gemm;
  const label = (name: string) => (a: number[]) => `gemm_${name} ${a[4]}×${a[5]}×${a[6]}`;
  return {
    nn: timed<Gemm>(gemm.nn, label('nn')),
    tn: timed<Gemm>(gemm.tn, label('tn')),
    fma: gemm.fma,
  };
}

/** The image stages' loops, timed while profiling (labels: the loop's name and its pixels or rows). */
export function profiledKernels(kernels: ImageKernels | undefined): ImageKernels | undefined {
  if (!stepProfile.times || !kernels) return kernels;
  const entries = Object.entries(kernels) as Array<[keyof ImageKernels, ImageKernels[keyof ImageKernels]]>;
  return Object.fromEntries(
    entries.map(([name, f]) => [name, timed(f, (a) => `${name} ${name === 'reluMask' ? a[2]! / 4 : name === 'columnSums' ? a[2] : a[3]}`)]),
  ) as unknown as ImageKernels;
}
