/**
 * `@tensorflow/tfjs-vis` as the kernel provides it (its `tfvis`), for notebooks whose folder
 * does not install the package: the names of tfjs-vis 1.x plus tfnb's additions.
 */
import type { Tfvis, TfvisMetrics, TfvisRender, TfvisShow, Visor } from '../../api/tfvis';

export type * from '../../api/tfvis';
export declare const render: TfvisRender;
export declare const show: TfvisShow;
export declare const metrics: TfvisMetrics;
export declare function visor(): Visor;
declare const tfvis: Tfvis;
export default tfvis;
