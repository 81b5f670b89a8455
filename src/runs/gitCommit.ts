/** The git commit a notebook was run at: `git rev-parse HEAD` in its folder (none outside a repository, or without git). */
import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';

const GIT_TIMEOUT_MS = 5_000;

export function gitCommitOf(notebookPath: string): { commit: string; dirty: boolean } | undefined {
  const cwd = dirname(notebookPath);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    if (!/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
    // Dirty: the notebook differs from the commit (or is not in it), so the commit alone does not reproduce the run.
    const status = git('status', '--porcelain', '--', basename(notebookPath));
    return { commit, dirty: status !== '' };
  } catch {
    return undefined;
  }
}
