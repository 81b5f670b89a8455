/**
 * Generated ML-style notebooks for the authoring benchmark. Each cell makes a tensor, a
 * function and a model, and uses names from the cell above and the first cell, so a cell's
 * check needs the cells above without a chain of inference through all of them.
 */

const PRELUDE = 'let total = 0;\nconst x0 = tf.tensor2d([[0, 2], [3, 4]]);\nfunction scale0(t: tf.Tensor): tf.Tensor { return t.mul(0); }';

/** Cell `i` (i ≥ 1) of a long notebook. */
export function mlCell(i: number): string {
  const model = i % 10 === 0 ? 'model' : `model${i}`; // every tenth cell redeclares `model`, as notebooks do
  return [
    `const x${i} = tf.tensor2d([[${i}, 2], [3, 4]]);`,
    `function scale${i}(t: tf.Tensor): tf.Tensor { return t.mul(${i}); }`,
    `const ${model} = tf.sequential();`,
    `${model}.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }));`,
    `${model}.compile({ optimizer: 'adam', loss: 'meanSquaredError' });`,
    `const y${i} = scale${i - 1}(x${i - 1}).add(tf.scalar(${i}));`,
    `total += y${i}.size;`,
    `display(y${i});`,
  ].join('\n');
}

/** A notebook of `cells` cells: the prelude, then mlCell(1) … mlCell(cells - 1). */
export function mlNotebook(cells: number): string[] {
  return [PRELUDE, ...Array.from({ length: cells - 1 }, (_, i) => mlCell(i + 1))];
}

/** One cell doing what the long notebook's last cell does, with what it uses from above declared in it. */
export function oneCellEquivalent(): string {
  return `${PRELUDE}\n${mlCell(1)}`;
}
