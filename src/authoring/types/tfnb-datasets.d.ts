/**
 * `tfnb/datasets` as the kernel provides it (src/kernel/datasets): loaders for MNIST, text and
 * speech datasets that run in the kernel.
 */
import type { Datasets } from '../../api/datasets';

export type * from '../../api/datasets';

export declare const mnist: Datasets['mnist'];
export declare const text: Datasets['text'];
export declare const speech: Datasets['speech'];
declare const datasets: Datasets;
export default datasets;
