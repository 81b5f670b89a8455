/**
 * Small tensors stay readable on webgpu. Node.js has no synchronous GPU read (syncReads.ts), so
 * `dataSync()` works only on values the CPU holds. tfjs-backend-webgpu already runs some kernels
 * on the CPU when their inputs are small and on the CPU (WEBGPU_CPU_FORWARD, under
 * WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD elements), but not all (matMul, conv2d…), and it drops a
 * tensor's CPU values once it uploads them. Here every kernel with a cpu counterpart runs on the
 * CPU under the same rule, and a small tensor keeps its CPU values after upload (tensors are
 * immutable: the copy cannot go stale). Small work is cheaper on the CPU than a GPU dispatch
 * anyway; big tensors, and everything computed from one, stay on the GPU.
 * Off when WEBGPU_CPU_FORWARD is false (the parity tests turn it off to test the shaders).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

interface GpuData {
  values?: unknown;
  resource?: unknown;
  dtype: string;
  shape: number[];
}
interface GpuBackendLike {
  tensorMap: { get(dataId: object): GpuData | undefined };
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: string, values: unknown): TensorInfo;
}
interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: string, values: unknown): TensorInfo;
  readSync(dataId: object): unknown;
  disposeData(dataId: object): boolean;
}

/** Kernels that stay as they are: complex numbers (kept as real/imag pairs), pixels. */
const KEEP = new Set(['Complex', 'Real', 'Imag', 'ComplexAbs', 'FFT', 'IFFT', 'RFFT', 'IRFFT', 'FromPixels']);

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function keepSmallTensorsOnCpu(tf: typeof tfType, gpu: GpuBackendLike, cpu: CpuBackendLike): number {
  const threshold = (): number => Number(tf.env().get('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD'));
  const enabled = (): boolean => tf.env().getBool('WEBGPU_CPU_FORWARD');

  const upload = gpu.uploadToGPU.bind(gpu);
  gpu.uploadToGPU = (dataId: object): void => {
    const entry = gpu.tensorMap.get(dataId);
    const values = entry?.resource == null ? entry?.values : undefined;
    upload(dataId);
    if (entry && values != null && enabled() && size(entry.shape) < threshold()) entry.values = values;
  };

  const onCpu = (inputs: TensorInfo[]): boolean => {
    if (!enabled() || inputs.length === 0) return false;
    const limit = threshold();
    return inputs.every((t) => {
      const entry = gpu.tensorMap.get(t.dataId);
      return entry !== undefined && entry.values != null && t.dtype !== 'complex64' && t.dtype !== 'string' && size(t.shape) < limit;
    });
  };

  let wrapped = 0;
  for (const config of tf.getKernelsForBackend('webgpu')) {
    const cpuKernel = tf.getKernel(config.kernelName, 'cpu');
    if (!cpuKernel || KEEP.has(config.kernelName)) continue;
    const original = config.kernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      const inputs = Object.values(args.inputs).filter((t): t is TensorInfo => t != null);
      if (!onCpu(inputs)) return original(args);
      // Pack, Concat and AddN get their inputs as an array; the others as named inputs.
      const cpuInputs: Record<string, TensorInfo> = Array.isArray(args.inputs) ? ([] as unknown as Record<string, TensorInfo>) : {};
      const made: TensorInfo[] = [];
      for (const [name, t] of Object.entries(args.inputs)) {
        if (t == null) continue;
        const info = cpu.makeTensorInfo(t.shape, t.dtype, gpu.tensorMap.get(t.dataId)!.values);
        made.push(info);
        cpuInputs[name] = info;
      }
      try {
        const out = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu as never, attrs: args.attrs });
        const outs = Array.isArray(out) ? out : [out];
        if (outs.some((o) => o.dtype === 'complex64')) {
          outs.forEach((o) => cpu.disposeData(o.dataId));
          return original(args);
        }
        const results = outs.map((o) => gpu.makeTensorInfo(o.shape, o.dtype, cpu.readSync(o.dataId)));
        outs.forEach((o) => cpu.disposeData(o.dataId));
        return Array.isArray(out) ? results : results[0]!;
      } finally {
        made.forEach((t) => cpu.disposeData(t.dataId));
      }
    };
    tf.unregisterKernel(config.kernelName, 'webgpu');
    tf.registerKernel({ ...config, kernelFunc } as KernelConfig);
    wrapped++;
  }
  return wrapped;
}
