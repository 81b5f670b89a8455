/**
 * TensorFlow.js exports a string constant per kernel (`tf.Abs === 'Abs'`, `tf.Conv2D`, 180 of
 * them, from tfjs-core's kernel_names.d.ts) for people writing backends. After `tf.` they sat
 * among the ops a notebook calls (`Abs` beside `abs`); completions list them last instead.
 */
import type * as ts from 'typescript';

const KERNEL_NAMES_FILE = /[/\\]tfjs-core[/\\]dist[/\\]kernel_names\.d\.ts$/;

/** Sorts after every sort text the server gives (they start with digits, or 'z' for deprecated names). */
export const KERNEL_NAME_SORT_TEXT = '~';

const byFile = new WeakMap<ts.SourceFile, ReadonlySet<string>>();

/** The kernel-name constants tfjs-core declares in the program (empty when it has no tfjs-core). */
export function kernelNameConstants(tsModule: typeof ts, program: ts.Program): ReadonlySet<string> {
  const file = program.getSourceFiles().find((f) => KERNEL_NAMES_FILE.test(f.fileName));
  if (!file) return new Set();
  let names = byFile.get(file);
  if (!names) {
    const found = new Set<string>();
    for (const statement of file.statements) {
      if (!tsModule.isVariableStatement(statement)) continue;
      for (const d of statement.declarationList.declarations) if (tsModule.isIdentifier(d.name)) found.add(d.name.text);
    }
    names = found;
    byFile.set(file, names);
  }
  return names;
}
