/**
 * A complex FFT of any length in float64: iterative radix-2 for powers of two, Bluestein's chirp
 * z-transform (three power-of-two FFTs) for the rest, so every length costs O(n log n).
 */
import { BoundedMap } from '../../../shared/boundedMap';

export interface FftPlan {
  readonly n: number;
  /** Transforms (re, im) in place; `inverse` conjugates the kernel and does NOT divide by n. */
  transform(re: Float64Array, im: Float64Array, inverse: boolean): void;
}

const MAX_CACHED_PLANS = 32;
const plans = new BoundedMap<number, FftPlan>(MAX_CACHED_PLANS);

export function fftPlan(n: number): FftPlan {
  let plan = plans.get(n);
  if (!plan) {
    plan = isPowerOfTwo(n) ? new Radix2Plan(n) : new BluesteinPlan(n);
    plans.set(n, plan);
  }
  return plan;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

class Radix2Plan implements FftPlan {
  private readonly reversed: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly n: number) {
    const bits = Math.round(Math.log2(n));
    this.reversed = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
    this.cos = new Float64Array(n / 2);
    this.sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
  }

  transform(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const { n, reversed, cos, sin } = this;
    for (let i = 0; i < n; i++) {
      const j = reversed[i]!;
      if (j > i) {
        let t = re[i]!;
        re[i] = re[j]!;
        re[j] = t;
        t = im[i]!;
        im[i] = im[j]!;
        im[j] = t;
      }
    }
    // Forward kernel e^{-2 pi i k / size}; the inverse flips the sign of the sine.
    const sign = inverse ? 1 : -1;
    for (let size = 2; size <= n; size *= 2) {
      const half = size / 2;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step]!;
          const wi = sign * sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a]! += tr;
          im[a]! += ti;
        }
      }
    }
  }
}

/**
 * X_k = conj(w_k) * sum_j (x_j conj(w_j)) w_{k-j} with w_j = e^{i pi j^2 / n}: a convolution,
 * done as a product of power-of-two FFTs of length m >= 2n - 1.
 */
class BluesteinPlan implements FftPlan {
  private readonly inner: Radix2Plan;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  /** FFT of the chirp laid out for a circular convolution, for the forward transform. */
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;

  constructor(readonly n: number) {
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.inner = new Radix2Plan(m);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      // j^2 mod 2n keeps the angle exact for large j.
      const angle = (Math.PI * ((j * j) % (2 * n))) / n;
      this.chirpRe[j] = Math.cos(angle);
      this.chirpIm[j] = Math.sin(angle);
    }
    this.kernelRe = new Float64Array(m);
    this.kernelIm = new Float64Array(m);
    for (let j = 0; j < n; j++) {
      this.kernelRe[j] = this.chirpRe[j]!;
      this.kernelIm[j] = this.chirpIm[j]!;
      if (j > 0) {
        this.kernelRe[m - j] = this.chirpRe[j]!;
        this.kernelIm[m - j] = this.chirpIm[j]!;
      }
    }
    this.inner.transform(this.kernelRe, this.kernelIm, false);
    this.workRe = new Float64Array(m);
    this.workIm = new Float64Array(m);
  }

  transform(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const { n, chirpRe, chirpIm, kernelRe, kernelIm, workRe, workIm } = this;
    const m = workRe.length;
    // The inverse transform is the forward one on conjugated data, conjugated back.
    const s = inverse ? -1 : 1;
    workRe.fill(0);
    workIm.fill(0);
    for (let j = 0; j < n; j++) {
      const xr = re[j]!;
      const xi = s * im[j]!;
      workRe[j] = xr * chirpRe[j]! + xi * chirpIm[j]!;
      workIm[j] = xi * chirpRe[j]! - xr * chirpIm[j]!;
    }
    this.inner.transform(workRe, workIm, false);
    for (let k = 0; k < m; k++) {
      const ar = workRe[k]!;
      const ai = workIm[k]!;
      workRe[k] = ar * kernelRe[k]! - ai * kernelIm[k]!;
      workIm[k] = ar * kernelIm[k]! + ai * kernelRe[k]!;
    }
    this.inner.transform(workRe, workIm, true);
    for (let k = 0; k < n; k++) {
      const cr = workRe[k]! / m;
      const ci = workIm[k]! / m;
      re[k] = cr * chirpRe[k]! + ci * chirpIm[k]!;
      im[k] = s * (ci * chirpRe[k]! - cr * chirpIm[k]!);
    }
  }
}
