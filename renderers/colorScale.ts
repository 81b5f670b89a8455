/**
 * Sequential colour maps for heatmaps as 256-entry RGB lookup tables. Viridis is the
 * default: perceptually even and readable on light, dark and high-contrast backgrounds.
 */

/** The names tfjs-vis and the kernel use. */
export type ColorMapName = 'viridis' | 'blues' | 'greyscale';

/** Evenly spaced stops (hex RGB) from low to high. */
const STOPS: Record<ColorMapName, string[]> = {
  viridis: ['440154', '482878', '3e4989', '31688e', '26828e', '1f9e89', '35b779', '6ece58', 'b5de2b', 'fde725'],
  blues: ['f7fbff', 'deebf7', 'c6dbef', '9ecae1', '6baed6', '4292c6', '2171b5', '08519c', '08306b'],
  greyscale: ['000000', 'ffffff'],
};

const tables = new Map<ColorMapName, Uint8Array>();

export function colorMapName(requested: string | undefined): ColorMapName {
  // Own keys only: `in` would accept "toString" or "constructor" (found by the fuzz test).
  return requested !== undefined && Object.hasOwn(STOPS, requested) ? (requested as ColorMapName) : 'viridis';
}

/** The lookup table: 256 × [r, g, b]. */
export function colorTable(name: ColorMapName): Uint8Array {
  const cached = tables.get(name);
  if (cached) return cached;
  const stops = STOPS[name].map((hex) => [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number]);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * (stops.length - 1);
    const low = Math.min(Math.floor(position), stops.length - 2);
    const t = position - low;
    for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(stops[low]![c]! * (1 - t) + stops[low + 1]![c]! * t);
  }
  tables.set(name, table);
  return table;
}
