/** `tfnb cache [list]` and `tfnb cache clear [NAME]`: the dataset cache (docs/datasets.md, "Cache"). */
import { clearDatasetCache, datasetCacheDir, listDatasetCache } from '../kernel/datasets/cache';
import { formatBytes } from '../shared/formatBytes';

export function cacheCommand(args: string[]): number {
  const [action = 'list', name, ...extra] = args;
  if (extra.length || (action !== 'list' && action !== 'clear') || (action === 'list' && name)) {
    console.error('usage: tfnb cache [list] | tfnb cache clear [NAME]');
    return 2;
  }
  if (action === 'list') {
    const entries = listDatasetCache();
    console.log(`dataset cache: ${datasetCacheDir()}`);
    if (entries.length === 0) console.log('  (empty)');
    for (const e of entries) console.log(`  ${e.name.padEnd(12)} ${formatBytes(e.bytes).padStart(10)}  ${e.path}`);
    return 0;
  }
  try {
    if (name !== undefined) datasetCacheDir(name); // validates the name even when nothing is cached
    clearDatasetCache(name);
  } catch (e) {
    console.error(`tfnb: ${(e as Error).message}`);
    return 2;
  }
  console.log(`cleared ${name ? `dataset ${name}` : 'every dataset'} in ${datasetCacheDir()}`);
  return 0;
}
