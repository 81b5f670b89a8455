// Copies the spam/ham text set (samples/data/text/, made by make-spam-subset.mjs there) into
// <out>/text/, where `text.load()` reads it at run time. Skips files already up to date.
// Usage: node scripts/data/text-spam.mjs <out-dir>   (scripts/build.mjs passes dist/data)
import { copyDataSet } from '../copy-data.mjs';

copyDataSet('text', ['spam.tsv', 'NOTICE.md']);
