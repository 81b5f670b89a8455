/** A real small filesystem for disk-full and read-only tests: a tmpfs mount (needs root). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Mounts a tmpfs of `size` (e.g. '64k') and unmounts it when the test ends. Where mounting is
 * not allowed (not root, no CAP_SYS_ADMIN), the test is skipped with the reason, never passed.
 */
export function mountTmpfs(t: TestContext, size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tfnb-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (needs root): ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
    return undefined;
  }
  t.after(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Makes a mounted tmpfs read-only (the files stay readable). */
export function remountReadOnly(dir: string): void {
  execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
}
