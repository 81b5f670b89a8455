/** Number and duration formatting shared by the renderers. */
import { formatBytes as formatByteCount } from '../src/shared/formatBytes';

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 -> "1,234,567". */
export function formatCount(value: number): string {
  return integerFormat.format(value);
}

/** A metric value (loss, accuracy, ...) in at most 4 significant digits, or "—" when absent. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return formatCount(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** A metric of an epoch with 4 decimals, so "acc 1.0000" lines up with "loss 0.4942" (not "acc 1"), as the kernel's text. */
export function formatEpochMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  return magnitude === 0 || (magnitude >= 1e-4 && magnitude < 1e6) ? value.toFixed(4) : formatMetric(value);
}

/** A number in a table cell: integers in full, others to 6 significant digits. */
export function formatTableNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return formatCount(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || magnitude < 1e-5) return value.toExponential(5);
  return String(Number(value.toPrecision(6)));
}

/** 0.8123 -> "81.2%". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Milliseconds -> "45s", "3m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${seconds}s`;
}

/** Bytes -> "30.66 KB" (base 1024, two decimals at every unit, like Keras's summary()). */
export function formatBytes(bytes: number): string {
  return formatByteCount(bytes, 2);
}

/** "[2, 3]" for a shape. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Non-finite values travel as these strings (JSON has no NaN/Infinity). */
const NON_FINITE_LABELS: Record<string, string> = { NaN: 'nan', Infinity: 'inf', '-Infinity': '-inf' };

function isNonFiniteToken(value: unknown): value is string {
  // Own keys only: a string tensor holding "toString" is text, not a token.
  return typeof value === 'string' && Object.hasOwn(NON_FINITE_LABELS, value);
}

/**
 * A formatter for the values of one tensor, chosen once over all its shown values so the
 * grid lines up, like NumPy's print: integers stay integers, floats share one precision
 * (at most 4 decimals), and very large or small magnitudes switch to scientific notation.
 */
export function tensorValueFormatter(values: readonly unknown[], dtype: string): (value: unknown) => string {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const integral = dtype.startsWith('int') || dtype === 'bool' || numbers.every(Number.isInteger);
  const nonZero = numbers.filter((v) => v !== 0).map(Math.abs);
  // reduce, not Math.max(...nonZero): a spread of 10^5+ values overflows the stack.
  const maxAbs = nonZero.reduce((a, b) => Math.max(a, b), 0);
  const minAbs = nonZero.reduce((a, b) => Math.min(a, b), Infinity);
  const scientific = !integral && nonZero.length > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs >= 1e3);
  let decimals = 0;
  if (!integral && !scientific) {
    // The fewest decimals (up to 4) that show every value as it would print at 4 decimals.
    for (decimals = 0; decimals < 4; decimals++) {
      if (numbers.every((v) => Number(v.toFixed(decimals)) === Number(v.toFixed(4)))) break;
    }
  }
  return (value) => {
    if (value === null || value === undefined) return '…';
    if (typeof value === 'boolean') return String(value);
    if (isNonFiniteToken(value)) return NON_FINITE_LABELS[value] ?? value;
    if (typeof value === 'string') return dtype === 'string' ? `'${value}'` : value;
    if (typeof value !== 'number') return String(value);
    if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
    if (dtype === 'bool') return value ? 'true' : 'false';
    if (integral) return String(value);
    if (scientific) return value.toExponential(4);
    return decimals === 0 ? `${value.toFixed(0)}.` : value.toFixed(decimals);
  };
}
