/**
 * Kernel output -> VS Code notebook output items. Output metadata follows the built-in ipynb
 * serializer's conventions, so saved notebooks hold execute_result/display_data/stream/error
 * outputs as Jupyter writes them.
 */
import * as vscode from 'vscode';
import type { ErrorOutput } from '../client/kernelClient';
import type { StreamName } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';

/** Richest first: VS Code shows the first item it has a renderer for, unless the user chose otherwise. */
const MIME_RANK = [
  'application/vnd.tfnb.',
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'text/markdown',
  'application/json',
  'text/plain',
];

function rank(mime: string): number {
  const i = MIME_RANK.findIndex((prefix) => mime.startsWith(prefix));
  return i === -1 ? MIME_RANK.length - 1 : i;
}

export function bundleItems(bundle: MimeBundle): vscode.NotebookCellOutputItem[] {
  return Object.entries(bundle)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([mime, value]) => toItem(mime, value));
}

function toItem(mime: string, value: unknown): vscode.NotebookCellOutputItem {
  if (mime === 'application/json' || mime.endsWith('+json')) return vscode.NotebookCellOutputItem.json(value, mime);
  if (typeof value === 'string') {
    // Jupyter carries binary images as base64 text.
    if (mime.startsWith('image/') && mime !== 'image/svg+xml') return new vscode.NotebookCellOutputItem(Buffer.from(value, 'base64'), mime);
    return vscode.NotebookCellOutputItem.text(value, mime);
  }
  return vscode.NotebookCellOutputItem.json(value, mime);
}

export function displayOutput(bundle: MimeBundle, displayId: string | undefined): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(bundleItems(bundle), {
    outputType: 'display_data',
    ...(displayId !== undefined ? { transient: { display_id: displayId } } : {}),
  });
}

export function resultOutput(bundle: MimeBundle, executionCount: number | undefined): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(bundleItems(bundle), { outputType: 'execute_result', executionCount: executionCount ?? null });
}

export function streamItem(name: StreamName, text: string): vscode.NotebookCellOutputItem {
  return name === 'stderr' ? vscode.NotebookCellOutputItem.stderr(text) : vscode.NotebookCellOutputItem.stdout(text);
}

export function streamOutput(name: StreamName, text: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([streamItem(name, text)], { outputType: 'stream' });
}

/** The traceback's lines already name `cell N, line M`: they become the error's stack. */
export function errorOutput(error: ErrorOutput): vscode.NotebookCellOutput {
  const stack = error.traceback.length ? error.traceback.join('\n') : `${error.ename}: ${error.evalue}`;
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: error.ename, message: error.evalue, stack })], {
    outputType: 'error',
  });
}

export function messageOutput(name: string, message: string): vscode.NotebookCellOutput {
  return errorOutput({ ename: name, evalue: message, traceback: [`${name}: ${message}`] });
}
