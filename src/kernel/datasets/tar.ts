/**
 * Reads the regular files of an uncompressed tar archive from memory: ustar names (with their
 * prefix), and the long names of GNU ('L') and pax ('x' path=) headers, which is all an npm
 * tarball uses. Links and other entry types are skipped.
 */
export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

export interface TarFile {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

export function readTar(archive: Uint8Array, what: string): TarFile[] {
  const files: TarFile[] = [];
  let longName: string | undefined;
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return files; // end-of-archive marker
    const size = octal(header.subarray(124, 136), what, at);
    const type = String.fromCharCode(header[156]!);
    const prefix = text(header.subarray(345, 500));
    const name = longName ?? (prefix ? `${prefix}/` : '') + text(header.subarray(0, 100));
    const start = at + BLOCK;
    if (start + size > archive.length)
      throw new TarFormatError(`${what}: ${name} is cut short (${archive.length - start} of ${size} bytes)`);
    const data = archive.subarray(start, start + size);
    longName = undefined;
    if (type === 'L') longName = text(data);
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'))?.[1];
    else if (type === '0' || type === '\0') files.push({ name, data });
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new TarFormatError(`${what}: no end-of-archive marker`);
}

function text(field: Uint8Array): string {
  const end = field.indexOf(0);
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8');
}

function octal(field: Uint8Array, what: string, at: number): number {
  const s = text(field).trim();
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`${what}: not a tar archive (bad size field at byte ${at})`);
  return parseInt(s, 8);
}
