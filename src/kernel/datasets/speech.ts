// Placeholder: the speech loader is being written (see docs/datasets.md when it lands).
import type { DatasetContext } from './context';

export function createSpeech(_ctx: DatasetContext) {
  return {
    load(): Promise<never> {
      return Promise.reject(new Error('tfnb/datasets: speech is not available yet'));
    },
  };
}
