/** Kernel processes of one code-server run, found by their script path in the run's extensions dir. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function kernelPids(runDir: string): number[] {
  const ext = join(runDir, 'ext');
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(ext) && line.includes('dist/kernel.js'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

export interface ProcessRow {
  pid: number;
  ppid: number;
  args: string;
}

/** Every process on the machine, from `ps`. */
export function processTable(): ProcessRow[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const [pid = '', ppid = '', ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), args: args.join(' ') };
    });
}

/** The processes started, directly or not, by `root` (not `root` itself). */
export function descendants(root: number, table = processTable()): ProcessRow[] {
  const found: ProcessRow[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of table) {
      if (parents.has(row.ppid) && !parents.has(row.pid)) {
        parents.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found;
}

/** Extension host processes of a code-server (bootstrap-fork with --type=extensionHost), oldest first. */
export function extensionHostPids(serverPid: number): number[] {
  return descendants(serverPid)
    .filter((row) => row.args.includes('--type=extensionHost'))
    .map((row) => row.pid)
    .sort((a, b) => a - b);
}

export function isAlive(pid: number): boolean {
  // A zombie (exited, not yet reaped) counts as gone.
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(status, 'utf8'));
  } catch {
    return false;
  }
}

/** Resident memory of a process in KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}
