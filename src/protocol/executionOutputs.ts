/**
 * What one execution produces, as the kernel reports it and every sink receives it (the
 * execution engine in src/client/, nbformat in src/notebook/, VS Code's cell outputs). Below
 * all of them, so none imports another's internals for these types.
 */
import type { StreamName } from './messages';
import type { MimeBundle } from './mime';

/** An error as Jupyter shows it: its class name, message, and traceback lines. */
export interface ErrorOutput {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One execution's outputs, delivered as they come, also after its `done` (work it left running). */
export interface ExecutionHandlers {
  /** The cell's turn came (cells queue); `executionCount` numbers it within this kernel process, from 1. */
  onStart?(executionCount: number): void;
  onStream?(name: StreamName, text: string): void;
  /**
   * A display. With `update` true it replaces, in place, this cell's outputs shown with
   * `displayId`: the queue delivers an update to every execution that showed that id.
   */
  onDisplay?(data: MimeBundle, displayId: string | undefined, update: boolean): void;
  onResult?(data: MimeBundle): void;
  onError?(error: ErrorOutput): void;
}
