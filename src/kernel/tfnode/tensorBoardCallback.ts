/**
 * `tf.node.tensorBoard(logdir)`: a `model.fit` callback that writes the loss and metrics as
 * TensorBoard scalars, as tfjs-node's does: `<logdir>/train` and `<logdir>/val` (the `val_` logs),
 * tags `epoch_<name>` at step epoch + 1 and, with `updateFreq: 'batch'`, `batch_<name>` per batch.
 */
import { join } from 'node:path';
import { CustomCallback, util, type Logs } from '@tensorflow/tfjs';
import { summaryFileWriter, type SummaryFileWriter } from './summaryWriter';

export interface TensorBoardCallbackArgs {
  updateFreq?: 'batch' | 'epoch';
}

export class TensorBoardCallback extends CustomCallback {
  private trainWriter: SummaryFileWriter | undefined;
  private valWriter: SummaryFileWriter | undefined;
  private batchesSeen = 0;

  constructor(
    private readonly baseDir: string,
    readonly logdir = './logs',
    args: TensorBoardCallbackArgs = {},
  ) {
    const updateFreq = args.updateFreq ?? 'epoch';
    util.assert(
      updateFreq === 'batch' || updateFreq === 'epoch',
      () => `Expected updateFreq to be 'batch' or 'epoch', but got ${String(updateFreq)}`,
    );
    super({
      onBatchEnd: async (_batch: number, logs?: Logs) => {
        this.batchesSeen++;
        if (updateFreq !== 'epoch') this.logMetrics(logs, 'batch_', this.batchesSeen);
      },
      onEpochEnd: async (epoch: number, logs?: Logs) => {
        this.logMetrics(logs, 'epoch_', epoch + 1);
      },
      onTrainEnd: async () => {
        this.trainWriter?.flush();
        this.valWriter?.flush();
      },
    });
  }

  private logMetrics(logs: Logs | undefined, prefix: string, step: number): void {
    for (const [key, value] of Object.entries(logs ?? {})) {
      if (key === 'batch' || key === 'size' || key === 'num_steps') continue;
      if (key.startsWith('val_')) {
        this.valWriter ??= summaryFileWriter(this.baseDir, join(this.logdir, 'val'));
        this.valWriter.scalar(prefix + key.slice('val_'.length), value, step);
      } else {
        this.trainWriter ??= summaryFileWriter(this.baseDir, join(this.logdir, 'train'));
        this.trainWriter.scalar(prefix + key, value, step);
      }
    }
  }
}
