/**
 * The generic fill-in: runs the cpu backend's kernel on a copy of the inputs and writes its
 * outputs back to the wasm heap, so a kernel tfjs-backend-wasm lacks still runs (at cpu speed
 * plus two copies) instead of failing with "not registered for backend 'wasm'".
 */
import {
  findBackend,
  getKernel,
  type DataId,
  type KernelBackend,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmKernelArgs } from './types';

function cpuBackend(): KernelBackend {
  const cpu = findBackend('cpu');
  if (!cpu) throw new Error('the cpu backend is not available for the generic wasm fill-ins');
  return cpu;
}

export function cpuFallback(kernelName: string): (args: WasmKernelArgs) => TensorInfo | TensorInfo[] {
  return ({ inputs, backend, attrs }) => {
    const kernel = getKernel(kernelName, 'cpu');
    if (!kernel) throw new Error(`the cpu backend has no '${kernelName}' kernel either`);
    const cpu = cpuBackend();
    const owned: DataId[] = [];
    try {
      const cpuInputs = mapInputs(inputs, (t) => toCpu(t, backend, cpu, owned));
      const result = (kernel.kernelFunc as KernelFunc)({ inputs: cpuInputs, backend: cpu, attrs });
      const outputs = Array.isArray(result) ? result : [result];
      for (const o of outputs) owned.push(o.dataId);
      const back = outputs.map((o) => backend.makeOutput(o.shape.slice(), o.dtype, undefined, cpu.readSync(o.dataId)));
      return Array.isArray(result) ? back : back[0]!;
    } finally {
      for (const id of owned) cpu.disposeData(id);
    }
  };
}

/**
 * Keeps the inputs' container kinds: some kernels receive an array (Einsum) or a named list of
 * tensors (RaggedGather's paramsNestedSplits, RaggedTensorToTensor's rowPartitionTensors).
 */
function mapInputs(inputs: NamedTensorInfoMap, f: (t: TensorInfo) => TensorInfo): NamedTensorInfoMap {
  const each = (v: unknown): unknown => (Array.isArray(v) ? v.map(each) : v ? f(v as TensorInfo) : v);
  if (Array.isArray(inputs)) return each(inputs) as NamedTensorInfoMap;
  const out: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(inputs)) out[name] = each(t);
  return out as NamedTensorInfoMap;
}

function toCpu(t: TensorInfo, wasm: BackendWasm, cpu: KernelBackend, owned: DataId[]): TensorInfo {
  const values = wasm.readSync(t.dataId);
  if (t.dtype !== 'complex64') {
    const dataId = cpu.write(values, t.shape, t.dtype);
    owned.push(dataId);
    return { dataId, shape: t.shape, dtype: t.dtype };
  }
  // The cpu backend keeps complex tensors as a pair of real ones, made by its Complex kernel.
  const pairs = values as Float32Array;
  const re = new Float32Array(pairs.length / 2);
  const im = new Float32Array(pairs.length / 2);
  for (let i = 0; i < re.length; i++) {
    re[i] = pairs[2 * i]!;
    im[i] = pairs[2 * i + 1]!;
  }
  const real: TensorInfo = { dataId: cpu.write(re, t.shape, 'float32'), shape: t.shape, dtype: 'float32' };
  const imag: TensorInfo = { dataId: cpu.write(im, t.shape, 'float32'), shape: t.shape, dtype: 'float32' };
  const complexKernel = getKernel('Complex', 'cpu');
  const z = complexKernel.kernelFunc({ inputs: { real, imag }, backend: cpu }) as TensorInfo;
  cpu.disposeData(real.dataId);
  cpu.disposeData(imag.dataId);
  owned.push(z.dataId);
  return z;
}
