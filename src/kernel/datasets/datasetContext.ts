import type * as tfType from '@tensorflow/tfjs';
import type { MimeBundle } from '../../protocol/mime';

/** What dataset loaders get from the kernel. */
export interface DatasetContext {
  tf: typeof tfType;
  /** The notebook's folder (relative data paths resolve from here). */
  notebookDir: string;
  /** Folder of data tfnb ships (dist/data in a build): offline fallbacks live here. */
  bundledDataDir: string;
  /** Shows a bundle in the running cell; the same displayId with update: true replaces it (progress bars). */
  display(bundle: MimeBundle, options?: { displayId?: string; update?: boolean }): void;
  /** A line in the running cell's stderr (e.g. "offline: using the bundled subset"). */
  notice(message: string): void;
}
