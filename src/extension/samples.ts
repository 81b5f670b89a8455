/**
 * tfnb: Open Sample… — the tutorials shipped in the extension's samples/ folder. The chosen one
 * is copied into the workspace (never over an existing file) and opened. Datasets the samples
 * load come from the kernel (bundled offline data, or the cache), so the notebook is all that
 * needs copying: each notebook states its data's source and licence in its own markdown, and the
 * full NOTICE.md sits beside the bundled data, in the folder its `source:` line prints.
 * test/samples/openSample.test.ts checks this list against samples/*.ipynb.
 */
import * as vscode from 'vscode';

export interface Sample {
  file: string;
  title: string;
  description: string;
}

export const SAMPLES: readonly Sample[] = [
  {
    file: '01-tensors.ipynb',
    title: 'Tensors and y = f(Wx + b)',
    description: 'Shapes, broadcasting, tf.grad; a dense layer by hand; gradient descent; cross-entropy vs MSE',
  },
  {
    file: '02-mnist.ipynb',
    title: 'MNIST, the classic loop',
    description: '784 → 128 → 10, Adam, cross-entropy, live curves, accuracy, confusion matrix',
  },
  {
    file: '03-cnn.ipynb',
    title: 'A convolutional network (vision)',
    description: 'A small CNN on MNIST; filters and activations as images; against the MLP',
  },
  {
    file: '04-text.ipynb',
    title: 'Text classification (language)',
    description: 'Tokens, vocabulary, an embedding-bag classifier on real spam/ham mail; try your own sentence',
  },
  {
    file: '05-speech.ipynb',
    title: 'Spoken digits (speech)',
    description: 'Audio as tensors, spectrograms with tf.signal.stft, a classifier, the confusion matrix',
  },
  {
    file: '06-evaluation.ipynb',
    title: 'Evaluating a model',
    description: 'Precision, recall, F1 and when they mislead; robustness to noise; saliency maps',
  },
];

/** Opens a sample: `file` names one directly (walkthrough links), else a quick pick asks. */
export async function openSample(extensionUri: vscode.Uri, file?: string): Promise<vscode.NotebookEditor | undefined> {
  const sample = file ? SAMPLES.find((s) => s.file === file) : await pickSample();
  if (!sample) {
    if (file) void vscode.window.showErrorMessage(`tfnb has no sample named ${file}`);
    return undefined;
  }
  const folder = await targetFolder();
  if (!folder) return undefined;
  const source = vscode.Uri.joinPath(extensionUri, 'samples', sample.file);
  const target = await freeName(folder, sample.file);
  await vscode.workspace.fs.copy(source, target, { overwrite: false });
  const document = await vscode.workspace.openNotebookDocument(target);
  return vscode.window.showNotebookDocument(document);
}

async function pickSample(): Promise<Sample | undefined> {
  const pick = await vscode.window.showQuickPick(
    SAMPLES.map((s) => ({ label: s.title, description: s.file, detail: s.description, sample: s })),
    { title: 'tfnb: Open Sample', placeHolder: 'A tutorial to copy into your workspace and open', matchOnDetail: true },
  );
  return pick?.sample;
}

async function targetFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0]!.uri;
  if (folders.length > 1) {
    const pick = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Copy the sample into which folder?' });
    return pick?.uri;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Copy the sample here' });
  return chosen?.[0];
}

/** `name.ipynb`, or `name-2.ipynb`, `name-3.ipynb`… whichever does not exist yet. */
async function freeName(folder: vscode.Uri, file: string): Promise<vscode.Uri> {
  const stem = file.replace(/\.ipynb$/, '');
  for (let n = 1; ; n++) {
    const candidate = vscode.Uri.joinPath(folder, n === 1 ? file : `${stem}-${n}.ipynb`);
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}
