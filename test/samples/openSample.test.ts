// tfnb: Open Sample… and the Getting Started walkthrough, checked from their sources: the quick
// pick lists exactly the tutorials in samples/, each with a one-line description; the walkthrough
// links to the command and its media files exist and ship; the notebooks name tfnb's kernel and
// say where their data comes from and under which licence (Open Sample copies only the notebook).
// Opening a sample in a real VS Code is test/e2e/vscode.test.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { COMMANDS, KERNELSPEC } from '../../src/vscodeShared/constants';
import { ROOT } from '../helpers/kernel';

interface Sample {
  file: string;
  title: string;
  description: string;
}
interface Notebook {
  metadata: { kernelspec?: { name?: string; language?: string } };
  cells: Array<{ cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }>;
}

/** The SAMPLES array of src/extension/samples.ts, read with the TypeScript parser (the module imports vscode). */
function samplesList(): Sample[] {
  const file = join(ROOT, 'src', 'extension', 'samples.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  let list: Sample[] | undefined;
  source.forEachChild(function visit(node): void {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText() === 'SAMPLES' &&
      node.initializer &&
      ts.isArrayLiteralExpression(node.initializer)
    ) {
      list = node.initializer.elements.map((element) => {
        assert.ok(ts.isObjectLiteralExpression(element), element.getText());
        const entry: Record<string, string> = {};
        for (const p of element.properties) {
          assert.ok(ts.isPropertyAssignment(p) && ts.isStringLiteral(p.initializer), `SAMPLES entries are string literals: ${p.getText()}`);
          entry[p.name.getText()] = p.initializer.text;
        }
        return entry as unknown as Sample;
      });
    }
    node.forEachChild(visit);
  });
  assert.ok(list, 'no SAMPLES array in src/extension/samples.ts');
  return list;
}

const text = (s: string | string[]): string => (Array.isArray(s) ? s.join('') : s);
const readNotebook = (file: string): Notebook => JSON.parse(readFileSync(join(ROOT, 'samples', file), 'utf8')) as Notebook;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: Array<{ command: string; title: string }>;
    walkthroughs: Array<{ id: string; steps: Array<{ id: string; description: string; media: { markdown?: string; image?: string } }> }>;
  };
};

describe('tfnb: Open Sample… and the walkthrough', () => {
  it('the quick pick lists exactly the tutorials in samples/, each with a title and a one-line description', () => {
    const samples = samplesList();
    const notebooks = readdirSync(join(ROOT, 'samples'))
      .filter((f) => f.endsWith('.ipynb'))
      .sort();
    assert.deepEqual(
      samples.map((s) => s.file),
      notebooks,
    );
    assert.ok(notebooks.length >= 6 && notebooks.every((f) => /^0\d-[a-z]+\.ipynb$/.test(f)), notebooks.join(', '));
    for (const s of samples) {
      for (const field of [s.title, s.description]) {
        assert.ok(field.trim().length > 0 && !/\n/.test(field) && field.length <= 120, `${s.file}: ${JSON.stringify(field)}`);
      }
    }
    assert.equal(new Set(samples.map((s) => s.title)).size, samples.length);
  });

  it("each tutorial opens with a heading, names tfnb's kernel and has a parameters cell", () => {
    for (const { file } of samplesList()) {
      const nb = readNotebook(file);
      assert.equal(nb.metadata.kernelspec?.name, KERNELSPEC.name, file);
      assert.equal(nb.metadata.kernelspec?.language, KERNELSPEC.language, file);
      assert.match(text(nb.cells[0]!.source), /^# \S/, file);
      assert.equal(nb.cells.filter((c) => c.metadata?.tags?.includes('parameters')).length, 1, file);
    }
  });

  it('the command is contributed and registered; the walkthrough links to it and its media exist and ship', () => {
    assert.equal(pkg.contributes.commands.find((c) => c.command === COMMANDS.openSample)?.title, 'Open Sample…');
    assert.match(readFileSync(join(ROOT, 'src', 'extension', 'commands.ts'), 'utf8'), /registerCommand\(COMMANDS\.openSample,/);
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    const walkthrough = pkg.contributes.walkthroughs.find((w) => w.id === 'tfnb.gettingStarted');
    assert.ok(walkthrough);
    const step = walkthrough.steps.find((s) => s.id === 'openSample');
    assert.match(step?.description ?? '', /\[Open Sample…\]\(command:tfnb\.openSample\)/);
    const vscodeignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
    for (const line of ['!media/walkthrough/**', '!samples/*.ipynb', '!dist/data/**'])
      assert.ok(vscodeignore.includes(line), `.vscodeignore lacks ${line}`);
    for (const s of walkthrough.steps) {
      for (const link of s.description.matchAll(/\(command:([\w.]+)\)/g))
        assert.ok(contributed.has(link[1]!), `${s.id} links to ${link[1]}`);
      for (const media of Object.values(s.media)) {
        assert.ok(media.startsWith('media/walkthrough/') && existsSync(join(ROOT, media)), `${s.id}: ${media}`);
      }
    }
    assert.match(readFileSync(join(ROOT, step!.media.markdown!), 'utf8'), /\*\*tfnb: Open Sample…\*\*/);
  });

  it("the text and speech tutorials state their data's source and licence in their own markdown", () => {
    const intro = (file: string) => text(readNotebook(file).cells[0]!.source);
    const textIntro = intro('04-text.ipynb');
    assert.match(textIntro, /SpamAssassin public corpus/);
    assert.match(textIntro, /@stdlib\/datasets-spam-assassin/);
    assert.match(textIntro, /\*\*Licence\*\*: public domain — the database under PDDL-1\.0, its\s+contents under CC0-1\.0/);
    const speechIntro = intro('05-speech.ipynb');
    assert.match(speechIntro, /eSpeak NG/);
    assert.match(speechIntro, /\*\*Licence\*\*: the clips were made for tfnb and are under tfnb's licence, MIT/);
    // Open Sample copies only the notebook: no link may point into the repository's samples/data as if it were beside it.
    for (const intro of [textIntro, speechIntro]) assert.doesNotMatch(intro, /: `samples\/data\/[^`]*NOTICE\.md`/);
  });
});
