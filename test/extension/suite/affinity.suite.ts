/**
 * tfnb's affinity: preferred for notebooks written for it (tfnb's kernelspec, or TypeScript as
 * tslab and Deno write it), not for others. The API cannot read a controller's affinity, but
 * VS Code orders the kernels it offers a notebook by affinity first and label second: with a
 * second controller whose label sorts before tfnb's, tfnb comes first only where it is preferred.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { prefersTfnb } from '../../../src/extension/affinity';
import { openNotebookDocument, sleep, TFNB_METADATA } from './notebooks';
import { test } from './registry';

const TFNB_KERNEL = 'tfnb.tfnb/tfnb.kernel';

const NOTEBOOKS: Array<{ name: string; metadata: Record<string, unknown>; preferred: boolean }> = [
  // Opened first: when tfnb has handled the later ones, it has handled this one too.
  {
    name: 'python.ipynb',
    preferred: false,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
  },
  { name: 'no-metadata.ipynb', preferred: false, metadata: {} },
  { name: 'tfnb-kernelspec.ipynb', preferred: true, metadata: TFNB_METADATA },
  {
    name: 'tslab.ipynb',
    preferred: true,
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', version: '3.7.2', mimetype: 'text/typescript', file_extension: '.ts' },
    },
  },
  {
    name: 'deno.ipynb',
    preferred: true,
    metadata: {
      kernelspec: { name: 'deno', display_name: 'Deno', language: 'typescript' },
      language_info: {
        name: 'typescript',
        codemirror_mode: 'typescript',
        file_extension: '.ts',
        mimetype: 'text/x.typescript',
        nbconvert_exporter: 'script',
        pygments_lexer: 'typescript',
        version: '5.6.2',
      },
    },
  },
  { name: 'language-info-only.ipynb', preferred: true, metadata: { language_info: { name: 'TypeScript' } } },
];

/** The kernels VS Code offers the notebook, in its order (affinity, then label). */
async function offeredKernels(notebook: vscode.NotebookDocument): Promise<string[]> {
  const kernels = await vscode.commands.executeCommand<Array<{ id: string; label: string }>>('_resolveNotebookKernels', {
    uri: notebook.uri,
    viewType: notebook.notebookType,
  });
  return kernels.map((k) => k.id);
}

test("affinity: preferred for tfnb's kernelspec and TypeScript metadata (tslab, Deno), not for Python", async () => {
  // Sorts before "tfnb (TypeScript · TensorFlow.js)": ahead of tfnb wherever both have the same affinity.
  const other = vscode.notebooks.createNotebookController('tfnb-tests.other', 'jupyter-notebook', 'A kernel that is not tfnb');
  other.supportedLanguages = ['python', 'typescript'];
  other.executeHandler = () => {
    throw new Error('the other kernel never runs in these tests');
  };
  try {
    const documents = [];
    for (const n of NOTEBOOKS) documents.push({ ...n, document: await openNotebookDocument(n.name, ['1 + 1'], n.metadata) });
    // The pure function, on the documents as VS Code's ipynb support opened them.
    assert.deepEqual(
      documents.map((d) => [d.name, prefersTfnb(d.document)]),
      NOTEBOOKS.map((n) => [n.name, n.preferred]),
    );

    // The controller set it: VS Code offers tfnb first exactly where tfnb is preferred.
    // tfnb handles the notebooks in the order they opened: wait until it has handled the last.
    const last = documents[documents.length - 1]!;
    const deadline = Date.now() + 10_000;
    while ((await offeredKernels(last.document))[0] !== TFNB_KERNEL && Date.now() < deadline) await sleep(100);
    for (const d of documents) {
      const offered = await offeredKernels(d.document);
      assert.equal(offered.length, 2, `${d.name}: two kernels are offered: ${offered.join(', ')}`);
      assert.equal(
        offered[0] === TFNB_KERNEL,
        d.preferred,
        `${d.name}: ${d.preferred ? 'tfnb is preferred' : 'tfnb is not preferred'}, offered ${offered.join(', ')}`,
      );
    }
  } finally {
    other.dispose();
  }
});

test('affinity: a notebook that gets TypeScript metadata after it opened becomes preferred', async () => {
  const other = vscode.notebooks.createNotebookController('tfnb-tests.other2', 'jupyter-notebook', 'A kernel that is not tfnb');
  try {
    const document = await openNotebookDocument('later.ipynb', ['1 + 1'], {});
    await sleep(500);
    assert.notEqual((await offeredKernels(document))[0], TFNB_KERNEL, 'not preferred before the metadata names TypeScript');
    const edit = new vscode.WorkspaceEdit();
    edit.set(document.uri, [
      vscode.NotebookEdit.updateNotebookMetadata({
        ...document.metadata,
        metadata: { ...(document.metadata.metadata as object | undefined), ...TFNB_METADATA },
      }),
    ]);
    assert.ok(await vscode.workspace.applyEdit(edit), 'the metadata edit applied');
    const deadline = Date.now() + 10_000;
    while ((await offeredKernels(document))[0] !== TFNB_KERNEL) {
      if (Date.now() > deadline) throw new Error(`tfnb did not become preferred: ${(await offeredKernels(document)).join(', ')}`);
      await sleep(100);
    }
  } finally {
    other.dispose();
  }
});
