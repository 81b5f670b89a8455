/** Pixel checks on screenshots: whether an output shows anything. */
import { decode } from 'fast-png';

/** Share of an image's pixels that differ from its most common colour (its background). */
export function inkShare(png: Uint8Array): number {
  const image = decode(png);
  const c = image.channels;
  const counts = new Map<number, number>();
  const n = image.width * image.height;
  for (let i = 0; i < n; i++) {
    const key = (image.data[i * c]! << 16) | (image.data[i * c + 1]! << 8) | image.data[i * c + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const background = Math.max(...counts.values());
  return (n - background) / n;
}
