/// <reference types="node" />
/**
 * The globals the tfnb kernel gives every cell (src/kernel/runtime.ts), as the module each
 * cell's virtual file imports them from (see src/authoring/virtualCell.ts). A module, not
 * global declarations, so that only cells of tfnb notebooks see these names. `tf` is not here:
 * each cell imports it from the module the notebook's kernel loads (KERNEL_TF_MODULE: an
 * installed tfjs-node(-gpu), else tfnb's tfjs), which the plugin resolves per notebook.
 */
import type { Display } from '../../api/display';
import type { Tfvis } from '../../api/tfvis';
import type { Tfnb } from '../../api/runs';

/**
 * Shows a value as an output of the running cell: tensors, models and training histories
 * richly, values with a `[Symbol.for('Jupyter.display')]()` method as the bundle it returns,
 * anything else as text. With `displayId`, a later `display(x, { displayId, update: true })`
 * replaces that output in place. `display.html`, `.markdown`, `.svg`, `.png`, `.jpeg`, `.text`,
 * `.json`, `.raw` and `.audio` show the standard notebook MIME types; `display.images(batch,
 * { captions })` draws a grid of captioned images.
 * @example
 * display(tf.randomNormal([3, 4]));
 * display.markdown('**done**');
 */
export declare const display: Display;

/**
 * tfjs-vis's API (render, show, metrics, visor), drawing into the notebook.
 * @example await tfvis.render.barchart('Counts', [{ index: 'cat', value: 3 }, { index: 'dog', value: 5 }]);
 */
export declare const tfvis: Tfvis;

/**
 * What a cell adds to the recorded run (`tfnb run`, `tfnb sweep`, Run All): `tfnb.log(name,
 * value, step?)` records a scalar beside every fit's epoch logs (docs/experiments.md).
 * @example tfnb.log('test_acc', 0.93);
 */
export declare const tfnb: Tfnb;

/** Node's require, resolving from the notebook's folder first, then tfnb's bundled packages. */
export declare const require: NodeJS.Require;
