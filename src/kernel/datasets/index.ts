/**
 * `import { mnist, text, speech } from 'tfnb/datasets'` in a cell: dataset loaders that run in
 * the kernel. Each loader owns its file; this one only assembles them.
 */
import type { Datasets } from '../../api/datasets';
import type { DatasetContext } from './datasetContext';
import { createMnist } from './mnist';
import { createSpeech } from './speech';
import { createText } from './text';

export type { DatasetContext } from './datasetContext';

export type { Datasets } from '../../api/datasets';

export function createDatasets(ctx: DatasetContext): Datasets {
  return { mnist: createMnist(ctx), text: createText(ctx), speech: createSpeech(ctx) };
}
