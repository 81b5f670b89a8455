/** Kept so that code importing './settings' still compiles; the home is src/vscodeShared/settings.ts. */
export * from '../vscodeShared/settings';
