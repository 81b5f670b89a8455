/**
 * The `tfnb` global cells see: what a cell adds to the run being recorded (`tfnb run`, `tfnb
 * sweep`, Run All in VS Code; docs/experiments.md). The kernel's implementation is
 * src/kernel/runLog.ts. Types only.
 */

/** A number, or a tensor holding one value (read with `dataSync`). */
export type LoggedValue = number | { size: number; dataSync(): ArrayLike<number> | unknown };

export interface Tfnb {
  /**
   * Records a scalar in the run: a TensorBoard scalar named `name` (at `step`, default 0) in the
   * run's event file, and its last value among the run's final metrics (`tfnb runs --sort name`).
   * Every `fit`'s epoch logs are recorded without this. Outside a recorded run it does nothing.
   * @example
   * const [, acc] = model.evaluate(xTest, yTest) as tf.Scalar[];
   * tfnb.log('test_acc', acc);
   */
  log(name: string, value: LoggedValue, step?: number): void;
}
