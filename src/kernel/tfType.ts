/**
 * The type of the `tf` namespace the kernel runs cells with. Code that works on whichever tfjs
 * the kernel loaded (bundled, or a user's tfjs-node) takes a `Tf` instead of importing tfjs.
 */
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
