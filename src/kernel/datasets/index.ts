/**
 * `import { mnist, text, speech } from 'tfnb/datasets'` in a cell: dataset loaders that run in
 * the kernel. Each loader owns its file; this one only assembles them.
 */
import type { DatasetContext } from './context';
import { createMnist } from './mnist';
import { createSpeech } from './speech';
import { createText } from './text';

export type { DatasetContext } from './context';

export function createDatasets(ctx: DatasetContext) {
  return { mnist: createMnist(ctx), text: createText(ctx), speech: createSpeech(ctx) };
}

export type Datasets = ReturnType<typeof createDatasets>;
