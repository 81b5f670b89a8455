/** The two ways a notebook file goes wrong for tfnb; the CLI maps them to exit codes 2 and 1. */

/** A notebook tfnb cannot run, or a target it cannot write: the message names the problem. Nothing was run or written. */
export class NotebookFormatError extends Error {
  override name = 'NotebookFormatError';
}

/** The executed notebook could not be written; the file it was to replace is unchanged. */
export class NotebookWriteError extends Error {
  override name = 'NotebookWriteError';
}
