/**
 * Keeps an inferred project with many open cells as fast as one with a single file. The server
 * asks an inferred project for its type acquisition for every ancestor folder of every file
 * each time it rebuilds the program (to find the global typings cache), and each answer scans
 * all root files: with 100 cells that is millions of checks per keystroke. The answer depends
 * only on the root files, which change only with the project's version, so it is remembered
 * per version.
 */
import type * as ts from 'typescript';

export function rememberTypeAcquisition(project: ts.server.Project): void {
  if (project.projectKind !== 0 /* ts.server.ProjectKind.Inferred */) return;
  const compute = project.getTypeAcquisition.bind(project);
  let known: { version: string; value: ts.TypeAcquisition } | undefined;
  project.getTypeAcquisition = () => {
    const version = project.getProjectVersion();
    if (known?.version !== version) known = { version, value: compute() };
    return known.value;
  };
}
