/**
 * `tf.node` for the wasm and cpu backends: tfjs-node's image codecs and TensorBoard writers, and,
 * for what needs libtensorflow (SavedModels), functions that say so and how to get them.
 */
import { decodeBmp, decodeGif, decodeImage, decodeJpeg, decodePng, encodeJpeg, encodePng } from './images';
import { summaryFileWriter } from './summaryWriter';
import { TensorBoardCallback, type TensorBoardCallbackArgs } from './tensorBoardCallback';

/** tfjs-node's `tf.node` members that only its native binding can do. */
export const NATIVE_ONLY_MEMBERS = ['loadSavedModel', 'getMetaGraphsFromSavedModel', 'getNumOfSavedModels'] as const;

export function needsTfjsNode(member: string): Error {
  return new Error(
    `tf.node.${member} needs the native TensorFlow backend, which tfnb cannot provide on its own: install it beside the notebook (npm install @tensorflow/tfjs-node) and restart the kernel.`,
  );
}

export function createNodeNamespace(baseDir: string) {
  const unavailable = Object.fromEntries(
    NATIVE_ONLY_MEMBERS.map((m) => [
      m,
      (): never => {
        throw needsTfjsNode(m);
      },
    ]),
  ) as Record<(typeof NATIVE_ONLY_MEMBERS)[number], () => never>;
  return {
    decodeImage,
    decodeBmp,
    decodeGif,
    decodePng,
    decodeJpeg,
    encodeJpeg,
    encodePng,
    summaryFileWriter: (logdir: string, maxQueue?: number, flushMillis?: number, filenameSuffix?: string) =>
      summaryFileWriter(baseDir, logdir, maxQueue, flushMillis, filenameSuffix),
    tensorBoard: (logdir = './logs', args?: TensorBoardCallbackArgs) => new TensorBoardCallback(baseDir, logdir, args),
    ...unavailable,
  };
}

export type NodeNamespace = ReturnType<typeof createNodeNamespace>;
