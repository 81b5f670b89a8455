/** Small helpers shared by the benchmarks: statistics and a table with the ratio column first. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Row {
  ratio: number | null;
  target: string;
  what: string;
  tfnb: string;
  baseline: string;
  baselineName: string;
}

export function printTable(title: string, rows: Row[]): void {
  const header = ['ratio', 'target', 'measure', 'tfnb', 'baseline', 'baseline is'];
  const body = rows.map((r) => [r.ratio === null ? '—' : r.ratio.toFixed(2), r.target, r.what, r.tfnb, r.baseline, r.baselineName]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const b of body) console.log(line(b));
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
