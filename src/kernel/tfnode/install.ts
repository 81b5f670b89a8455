/**
 * Gives the kernel's `tf` what @tensorflow/tfjs-node adds to TensorFlow.js: `tf.node`, the
 * `file://` save/load routers and `tf.io.fileSystem`. When the kernel runs on a real tfjs-node
 * (backend.ts found one), its own are used and nothing is added.
 */
import type { Tf } from '../backend';
import { fileSystemRouter, FileSystemModelHandler } from './fileSystem';
import { createNodeNamespace } from './nodeNamespace';

export type TfNodeSource = 'tfjs-node' | 'tfnb';

export function installTfNode(tf: Tf, notebookDir: string): TfNodeSource {
  const target = tf as Tf & { node?: unknown };
  if (target.node !== undefined) return 'tfjs-node';
  const router = fileSystemRouter(notebookDir);
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
  Object.defineProperty(tf.io, 'fileSystem', {
    value: (path: string | string[]) => new FileSystemModelHandler(path, notebookDir),
    enumerable: true,
    configurable: true,
    writable: true,
  });
  Object.defineProperty(target, 'node', { value: createNodeNamespace(notebookDir), enumerable: true, configurable: true, writable: true });
  return 'tfnb';
}
