/** Kept so that code importing './constants' still compiles; the home is src/vscodeShared/constants.ts. */
export * from '../vscodeShared/constants';
