/**
 * Tiny structural validators for payload JSON. Each validator returns a fresh value built
 * only from the fields it knows, or throws a PayloadError naming the path of the first
 * problem ("epochs[2].loss: expected a finite number, got a string").
 */

export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

export type Validator<T> = (value: unknown, path: string) => T;

/** The path of a field: "epochs[2]" + "loss" -> "epochs[2].loss"; "" + "shape" -> "shape". */
export function field(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** How a value looks, for error messages (never the value itself: it may be long). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return `the number ${value}`;
  }
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

const NOTHING = Symbol('nothing');

export function fail(path: string, expected: string, value: unknown = NOTHING): never {
  const got = value === NOTHING ? '' : `, got ${describe(value)}`;
  throw new PayloadError(`${path || 'payload'}: expected ${expected}${got}`);
}

export const finiteNumber: Validator<number> = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(path, 'a finite number', v);

/** A finite number, or null (how JSON.stringify writes NaN and ±Infinity). */
export const numberOrNull: Validator<number | null> = (v, path) => (v === null ? null : finiteNumber(v, path));

export const nonNegativeNumber: Validator<number> = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(path, 'a finite number ≥ 0', v);

export const count: Validator<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(path, 'a whole number ≥ 0', v);

export const positiveCount: Validator<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : fail(path, 'a whole number ≥ 1', v);

export const string: Validator<string> = (v, path) => (typeof v === 'string' ? v : fail(path, 'a string', v));

export const boolean: Validator<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'true or false', v));

export function literal<T extends string>(...allowed: T[]): Validator<T> {
  return (v, path) =>
    typeof v === 'string' && (allowed as string[]).includes(v) ? (v as T) : fail(path, `one of ${allowed.join(', ')}`, v);
}

export function either<A, B>(a: Validator<A>, b: Validator<B>, expected: string): Validator<A | B> {
  return (v, path) => {
    try {
      return a(v, path);
    } catch {
      try {
        return b(v, path);
      } catch {
        return fail(path, expected, v);
      }
    }
  };
}

/**
 * Checks `value` without building its path (hot loops over 10^5 points); only when it
 * fails is the check repeated with the real path, for the message.
 */
function checkLazily<T>(validate: Validator<T>, value: unknown, path: string, step: string | number): T {
  try {
    return validate(value, '');
  } catch (error) {
    if (error instanceof PayloadError) return validate(value, typeof step === 'number' ? `${path}[${step}]` : field(path, step));
    throw error;
  }
}

export function arrayOf<T>(item: Validator<T>, limits: { min?: number; max?: number } = {}): Validator<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) return fail(path, 'an array', v);
    if (limits.min !== undefined && v.length < limits.min) fail(path, `at least ${limits.min} entries`, v);
    if (limits.max !== undefined && v.length > limits.max) fail(path, `at most ${limits.max} entries`, v);
    // Copy only when an item changed: live training payloads hold 10^5 points.
    let out: T[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const checked = checkLazily(item, v[i], path, i);
      if (out) out[i] = checked;
      else if (checked !== v[i]) {
        out = v.slice(0, i) as T[];
        out[i] = checked;
      }
    }
    return out ?? (v as T[]);
  };
}

type Shape = Record<string, Validator<unknown>>;
type Validated<S extends Shape> = { [K in keyof S]: S[K] extends Validator<infer T> ? T : never };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An object with required and optional fields. Unknown fields are dropped when a copy is
 * made; a value whose fields all pass unchanged is returned as it is (no allocation).
 */
export function object<R extends Shape, O extends Shape = Record<never, Validator<unknown>>>(
  required: R,
  optional?: O,
): Validator<Validated<R> & Partial<Validated<O>>> {
  const requiredKeys = Object.keys(required);
  const optionalKeys = Object.keys(optional ?? {});
  return (v, path) => {
    if (!isPlainObject(v)) return fail(path, 'an object', v);
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const key of requiredKeys) {
      const fieldPath = field(path, key);
      if (v[key] === undefined) fail(fieldPath, 'a value (required)');
      out[key] = required[key]!(v[key], fieldPath);
      changed ||= out[key] !== v[key];
    }
    for (const key of optionalKeys) {
      if (v[key] === undefined) continue;
      out[key] = optional![key]!(v[key], field(path, key));
      changed ||= out[key] !== v[key];
    }
    return (changed ? out : v) as Validated<R> & Partial<Validated<O>>;
  };
}
