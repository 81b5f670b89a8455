// Placeholder: the mnist loader is being written (see docs/datasets.md when it lands).
import type { DatasetContext } from './context';

export function createMnist(_ctx: DatasetContext) {
  return {
    load(): Promise<never> {
      return Promise.reject(new Error('tfnb/datasets: mnist is not available yet'));
    },
  };
}
