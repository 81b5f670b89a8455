/** Notebooks the end-to-end runs open, written as nbformat 4 JSON with tfnb's kernelspec. */

export interface SourceCell {
  kind: 'code' | 'markdown';
  source: string;
}

export function notebookJson(cells: SourceCell[]): string {
  return JSON.stringify(
    {
      cells: cells.map((c) =>
        c.kind === 'code'
          ? { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: c.source }
          : { cell_type: 'markdown', metadata: {}, source: c.source },
      ),
      metadata: {
        kernelspec: { name: 'tfnb', display_name: 'TypeScript (tfnb)', language: 'typescript' },
        language_info: { name: 'typescript', file_extension: '.ts' },
      },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

const code = (source: string): SourceCell => ({ kind: 'code', source });

/** Cell indexes of E2E_NOTEBOOK (markdown counts: tracebacks name cells by position). */
export const CELL = { hello: 1, tensor: 2, progress: 3, ticks: 4, error: 5, spin: 6, state: 7, train: 8, die: 9 } as const;

export const E2E_NOTEBOOK = notebookJson([
  { kind: 'markdown', source: '# tfnb end-to-end' },
  code("const a = 21;\nconsole.log('hello from tfnb');\na * 2"),
  code('display(tf.tensor2d([[1, 2], [3, 4]]))'),
  code(
    "for (let i = 1; i <= 4; i++) {\n  display(`progress ${i}/4`, { displayId: 'progress', update: i > 1 });\n  await new Promise((r) => setTimeout(r, 400));\n}",
  ),
  code('for (let i = 0; i < 3; i++) {\n  console.log(`tick ${i}`);\n  await new Promise((r) => setTimeout(r, 300));\n}'),
  code('const b = 1;\nconst c = 2;\nnotDefined();'),
  code('let spins = 0;\nwhile (true) { spins++; }'),
  code('console.log(a, spins > 0)'),
  code(
    [
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });',
      "model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
      'const xs = tf.randomNormal([64, 1]);',
      'const history = await model.fit(xs, xs.mul(2), { epochs: 100000, batchSize: 8, callbacks: tfvis.show.fitCallbacks({ name: "fit" }, ["loss"]) });',
      'console.log(`stopped after ${history.epoch.length} epochs`);',
    ].join('\n'),
  ),
  code("console.log('about to die');\nprocess.kill(process.pid, 'SIGKILL');"),
  // Room below the last outputs, so the notebook can scroll them into full view.
  { kind: 'markdown', source: 'The end.\n\n&nbsp;\n\n&nbsp;\n\n&nbsp;\n\n&nbsp;\n\n&nbsp;\n\n&nbsp;\n\n&nbsp;' },
]);
