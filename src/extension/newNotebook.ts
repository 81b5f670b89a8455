/** tfnb: New TypeScript ML Notebook — an untitled .ipynb that tfnb is preferred for. */
import * as vscode from 'vscode';
import { KERNELSPEC, LANGUAGE_INFO, NOTEBOOK_TYPE } from '../vscodeShared/constants';

const INTRO = [
  '# TypeScript ML notebook',
  '',
  'Cells run in a persistent TensorFlow.js kernel: variables live on between cells, top-level `await` works, and the last expression of a cell is shown.',
  '`tf` is already loaded. `display(x)` shows tensors, models, training curves and charts inline.',
].join('\n');

const FIRST_CELL = [
  "import * as tf from '@tensorflow/tfjs';",
  '',
  'console.log(`TensorFlow.js ${tf.version.tfjs} on the ${tf.getBackend()} backend`);',
].join('\n');

export function newNotebookData(): vscode.NotebookData {
  const data = new vscode.NotebookData([
    new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, INTRO, 'markdown'),
    new vscode.NotebookCellData(vscode.NotebookCellKind.Code, FIRST_CELL, 'typescript'),
  ]);
  // The ipynb serializer keeps a file's top-level fields here; `metadata` is the file's metadata.
  data.metadata = {
    cells: [],
    metadata: { kernelspec: { ...KERNELSPEC }, language_info: { ...LANGUAGE_INFO } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return data;
}

export async function createNewNotebook(): Promise<vscode.NotebookEditor> {
  const document = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, newNotebookData());
  return vscode.window.showNotebookDocument(document);
}
