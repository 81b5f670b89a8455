/**
 * tf.layers' 'sparseCategoricalCrossentropy' loss as two kernels (forward and gradient) on the
 * wasm and cpu backends, instead of the ~40 small element-wise kernels tfjs-layers runs for it
 * each training step (floor, cast, one-hot, two clips, a normalising division, log, multiply,
 * sum, negate, and each of their gradients). On a [64, 10] batch those kernels cost more than
 * their arithmetic by far. Same formula as tfjs-layers (losses.ts):
 *
 *   c = clip(p, ε, 1 − ε);  q = c / Σc;  loss = −log(clip(q_y, ε, 1 − ε))
 *
 * with clipping's gradient passing where the value is inside [ε, 1 − ε] (inclusive), a label
 * outside [0, classes) contributing 0, labels floored and converted like tfjs's cast to int32.
 * Compiled models get it in place of the tfjs-layers function (model.loss keeps its name, so
 * saving a model is unchanged); other backends (tfjs-node) keep tfjs-layers' own.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from '../tfType';

type Values = ArrayLike<number> & { [index: number]: number };

export const SPARSE_CE_KERNEL = 'TfnbSparseCrossEntropy';
export const SPARSE_CE_GRAD_KERNEL = 'TfnbSparseCrossEntropyGrad';
const LOSS_NAME = 'sparseCategoricalCrossentropy';
const PATCHED = Symbol.for('tfnb.fusedSparseCrossEntropy');

interface Attrs {
  epsilon: number;
}

/** tfjs's cast of a float label to int32 (after floor): ToInt32, so NaN becomes 0. */
const labelOf = (value: number): number => Math.floor(value) | 0;

/** clip(v, ε, 1 − ε) in float32, as tfjs's clipByValue. */
const clip = (v: number, epsilon: number): number => Math.fround(Math.min(Math.max(v, epsilon), 1 - epsilon));

/** Σ_j clip(p[base + j]) over one row. */
function clippedRowSum(p: Values, base: number, classes: number, epsilon: number): number {
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += clip(p[base + j]!, epsilon);
  return sum;
}

/** Per-row loss of probabilities `p` ([rows × classes]) against labels `y` ([rows]). */
export function sparseCrossEntropy(p: Values, y: Values, rows: number, classes: number, epsilon: number, out: Values): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const sum = clippedRowSum(p, base, classes, epsilon);
    const label = labelOf(y[r]!);
    let loss = 0;
    if (label >= 0 && label < classes) loss = -Math.log(clip(Math.fround(clip(p[base + label]!, epsilon) / sum), epsilon));
    // tfjs multiplies the one-hot row by every log: a NaN anywhere in the row makes the loss NaN.
    if (Number.isNaN(sum)) loss = Number.NaN;
    out[r] = loss;
  }
}

/** d loss / d p for the upstream gradient `dy` ([rows]). */
export function sparseCrossEntropyGrad(
  p: Values,
  y: Values,
  dy: Values,
  rows: number,
  classes: number,
  epsilon: number,
  out: Values,
): void {
  const hi = 1 - epsilon;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const sum = clippedRowSum(p, base, classes, epsilon);
    const label = labelOf(y[r]!);
    let g = 0; // d loss / d q_label, times dy
    let cLabel = 0;
    if (label >= 0 && label < classes) {
      cLabel = clip(p[base + label]!, epsilon);
      const q = Math.fround(cLabel / sum);
      g = q >= epsilon && q <= hi ? -dy[r]! / q : 0;
    }
    // q_l = c_l / Σc: d q_l / d c_k = δ_lk / Σc − c_l / Σc²; then the first clip's pass-through.
    const common = (g * cLabel) / (sum * sum);
    for (let k = 0; k < classes; k++) {
      const pk = p[base + k]!;
      const inside = pk >= epsilon && pk <= hi;
      out[base + k] = inside ? (k === label ? g / sum : 0) - common : 0;
    }
    if (Number.isNaN(sum)) for (let k = 0; k < classes; k++) out[base + k] = Number.NaN;
  }
}

function shapeInfo(output: TensorInfo): { rows: number; classes: number } {
  const classes = output.shape[output.shape.length - 1]!;
  const rows = output.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows, classes };
}

interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function need(inputs: NamedTensorInfoMap, ...names: string[]): TensorInfo[] {
  return names.map((n) => {
    const t = inputs[n];
    if (!t) throw new Error(`${SPARSE_CE_KERNEL} needs input '${n}'`);
    return t;
  });
}

/** Where a backend keeps tensor data: read an input, make a float32 output and fill it. */
interface Storage {
  read(t: TensorInfo): Values;
  /** `fill` runs after the output exists: on wasm an allocation can move the heap, so inputs are read inside it. */
  write(shape: number[], fill: (out: Values) => void): TensorInfo;
}

const STORAGE: Record<string, (backend: unknown) => Storage> = {
  wasm: (backend) => {
    const wasm = backend as BackendWasm;
    return {
      read: (t) => wasm.typedArrayFromHeap(t),
      write: (shape, fill) => {
        const out = wasm.makeOutput(shape, 'float32');
        fill(wasm.typedArrayFromHeap(out));
        return out;
      },
    };
  },
  cpu: (backend) => {
    const cpu = backend as CpuBackend;
    return {
      read: (t) => cpu.data.get(t.dataId).values as Values,
      write: (shape, fill) => {
        const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
        fill(values);
        return cpu.makeTensorInfo(shape, 'float32', values);
      },
    };
  },
};

const forward =
  (storage: (backend: unknown) => Storage): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const [output, target] = need(inputs, 'output', 'target') as [TensorInfo, TensorInfo];
    const io = storage(backend);
    const { rows, classes } = shapeInfo(output);
    return io.write(output.shape.slice(0, -1), (out) =>
      sparseCrossEntropy(io.read(output), io.read(target), rows, classes, (attrs as unknown as Attrs).epsilon, out),
    );
  };

const gradient =
  (storage: (backend: unknown) => Storage): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const [output, target, dy] = need(inputs, 'output', 'target', 'dy') as [TensorInfo, TensorInfo, TensorInfo];
    const io = storage(backend);
    const { rows, classes } = shapeInfo(output);
    return io.write(output.shape.slice(), (out) =>
      sparseCrossEntropyGrad(io.read(output), io.read(target), io.read(dy), rows, classes, (attrs as unknown as Attrs).epsilon, out),
    );
  };

type LossFn = (target: tfType.Tensor, output: tfType.Tensor) => tfType.Tensor;

/**
 * tfjs-layers' own loss floors the labels, and tf.floor refuses int32 ("must be float32"):
 * integer labels (what tfnb's datasets give) go to it as float32, as a float label would.
 */
function floatLabels(tf: Tf, target: tfType.Tensor): tfType.Tensor {
  return target.dtype === 'int32' || target.dtype === 'bool' ? tf.cast(target, 'float32') : target;
}

/** The fused loss where it applies (a backend with the kernels, float32 probabilities, one label per row), else `original`. */
export function fusedSparseCrossEntropy(tf: Tf, original: LossFn): LossFn {
  return (target, output) => {
    const backend = tf.getBackend();
    if (
      !tf.getKernel(SPARSE_CE_KERNEL, backend) ||
      output.dtype !== 'float32' ||
      output.rank < 1 ||
      target.dtype === 'string' ||
      target.dtype === 'complex64'
    ) {
      return original(floatLabels(tf, target), output);
    }
    const classes = output.shape[output.rank - 1]!;
    if (classes === 0 || target.size * classes !== output.size) return original(floatLabels(tf, target), output);
    const epsilon = tf.backend().epsilon();
    const loss = tf.customGrad(((...args: Array<tfType.Tensor | tfType.GradSaveFunc>) => {
      const [t, p, save] = args as [tfType.Tensor, tfType.Tensor, tfType.GradSaveFunc];
      save([t, p]);
      const value = tf
        .engine()
        .runKernel(SPARSE_CE_KERNEL, { output: p, target: t }, { epsilon } as unknown as tfType.NamedAttrMap) as tfType.Tensor;
      return {
        value,
        gradFunc: (dy: tfType.Tensor, saved: tfType.Tensor[]) => {
          const [savedTarget, savedOutput] = saved as [tfType.Tensor, tfType.Tensor];
          const dp = tf.engine().runKernel(SPARSE_CE_GRAD_KERNEL, { output: savedOutput, target: savedTarget, dy }, {
            epsilon,
          } as unknown as tfType.NamedAttrMap) as tfType.Tensor;
          // Labels get no gradient (tfjs-layers' floor and cast give them none either).
          return [tf.zerosLike(savedTarget), dp];
        },
      };
    }) as Parameters<Tf['customGrad']>[0]);
    return loss(target, output);
  };
}

interface CompiledModel {
  lossFunctions?: LossFn[];
  outputNames?: string[];
}

/** The loss name for each output of a compile() call's `loss`, as tfjs-layers assigns them. */
function lossNames(loss: unknown, outputNames: string[], outputs: number): Array<unknown> {
  if (typeof loss === 'string' || typeof loss === 'function') return Array.from({ length: outputs }, () => loss);
  if (Array.isArray(loss)) return loss;
  if (loss && typeof loss === 'object') return outputNames.map((n) => (loss as Record<string, unknown>)[n]);
  return [];
}

/**
 * Registers the kernels on the backends named and makes LayersModel.compile use the fused loss for
 * outputs whose loss is 'sparseCategoricalCrossentropy'. Safe to call more than once.
 */
export function installFusedSparseCrossEntropy(tf: Tf, backends: readonly string[] = ['wasm', 'cpu']): void {
  for (const name of backends) {
    const storage = STORAGE[name];
    if (storage && !tf.getKernel(SPARSE_CE_KERNEL, name)) {
      tf.registerKernel({ kernelName: SPARSE_CE_KERNEL, backendName: name, kernelFunc: forward(storage) });
      tf.registerKernel({ kernelName: SPARSE_CE_GRAD_KERNEL, backendName: name, kernelFunc: gradient(storage) });
    }
  }
  const proto = tf.LayersModel.prototype as unknown as Record<PropertyKey, unknown> & { compile(args: tfType.ModelCompileArgs): void };
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const compile = proto.compile;
  proto.compile = function (this: CompiledModel, args: tfType.ModelCompileArgs): void {
    compile.call(this, args);
    const names = lossNames(args.loss, this.outputNames ?? [], this.lossFunctions?.length ?? 0);
    // Replaced after compile, which picks the accuracy metric by comparing these functions; only
    // lossFunctions (what training and evaluation call): fit's target-shape checks compare
    // feedLossFns with tfjs-layers' own function, so those stay.
    names.forEach((name, i) => {
      const list = this.lossFunctions;
      if (name === LOSS_NAME && list?.[i]) list[i] = fusedSparseCrossEntropy(tf, list[i]!);
    });
  } as typeof proto.compile;
}
