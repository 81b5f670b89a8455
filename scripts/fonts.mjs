// The fonts the kernel's PNG fallbacks draw text with (src/kernel/display/raster.ts): resvg reads
// TrueType, and @fontsource ships WOFF, so each WOFF 1.0 file is unpacked (its tables are zlib
// streams) into a .ttf in dist/fonts, with the fonts' licence beside them.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

const FONTS = [
  ['@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff', 'DejaVuSans.ttf'],
  ['@fontsource/dejavu-mono/files/dejavu-mono-latin-400-normal.woff', 'DejaVuSansMono.ttf'],
];

/** WOFF 1.0 → the sfnt (TrueType/OpenType) file it wraps. */
export function woffToSfnt(woff) {
  const view = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (view.getUint32(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 file');
  const numTables = view.getUint16(12);
  const tables = [];
  let size = 12 + 16 * numTables;
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20;
    const table = {
      tag: view.getUint32(at),
      offset: view.getUint32(at + 4),
      compLength: view.getUint32(at + 8),
      origLength: view.getUint32(at + 12),
      checksum: view.getUint32(at + 16),
    };
    tables.push(table);
    size += (table.origLength + 3) & ~3;
  }
  const out = new Uint8Array(size);
  const o = new DataView(out.buffer);
  o.setUint32(0, view.getUint32(4)); // flavor
  o.setUint16(4, numTables);
  let pow = 1,
    log = 0;
  while (pow * 2 <= numTables) {
    pow *= 2;
    log++;
  }
  o.setUint16(6, pow * 16);
  o.setUint16(8, log);
  o.setUint16(10, numTables * 16 - pow * 16);
  let offset = 12 + 16 * numTables;
  tables.forEach((t, i) => {
    const stored = woff.subarray(t.offset, t.offset + t.compLength);
    const data = t.compLength < t.origLength ? inflateSync(stored) : stored;
    if (data.length !== t.origLength) throw new Error('WOFF table has the wrong length');
    out.set(data, offset);
    const entry = 12 + i * 16;
    o.setUint32(entry, t.tag);
    o.setUint32(entry + 4, t.checksum);
    o.setUint32(entry + 8, offset);
    o.setUint32(entry + 12, t.origLength);
    offset += (t.origLength + 3) & ~3;
  });
  return out;
}

/** Writes dist/fonts/*.ttf when missing or older than their WOFF source. */
export function shipFonts(root, dist) {
  const dir = join(dist, 'fonts');
  mkdirSync(dir, { recursive: true });
  for (const [source, name] of FONTS) {
    const from = join(root, 'node_modules', source);
    const to = join(dir, name);
    if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
    writeFileSync(to, woffToSfnt(readFileSync(from)));
  }
  copyFileSync(join(root, 'node_modules/@fontsource/dejavu-sans/LICENSE'), join(dir, 'LICENSE'));
}
