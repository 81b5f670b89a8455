// Placeholder: the text loader is being written (see docs/datasets.md when it lands).
import type { DatasetContext } from './context';

export function createText(_ctx: DatasetContext) {
  return {
    load(): Promise<never> {
      return Promise.reject(new Error('tfnb/datasets: text is not available yet'));
    },
  };
}
