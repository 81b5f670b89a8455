/**
 * `tslab` as the kernel provides it (src/kernel/display/tslab.ts): tslab's public API
 * (`display`, `newDisplay`, `versions`), for notebooks written for tslab.
 */
import type { TslabModule } from '../../api/tslab';

export declare const display: TslabModule['display'];
export declare const newDisplay: TslabModule['newDisplay'];
export declare const versions: TslabModule['versions'];
export declare const isNode: TslabModule['isNode'];
export declare const isBrowser: TslabModule['isBrowser'];
export declare const version: TslabModule['version'];
declare const tslab: TslabModule;
export default tslab;
