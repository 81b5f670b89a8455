/** Kernel processes of one code-server run, found by their script path in the run's extensions dir. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function kernelPids(runDir: string): number[] {
  const ext = join(runDir, 'ext');
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n')
    .filter((line) => line.includes(ext) && line.includes('dist/kernel.js'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
