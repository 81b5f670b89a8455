/**
 * Picks the Node.js binary that runs a kernel: the `tfnb.nodePath` setting when set, else the
 * `node` on PATH (or one a version manager installed), else VS Code's own runtime (Electron or
 * the remote server's Node, run with ELECTRON_RUN_AS_NODE, which the kernel client sets).
 * Each candidate must report Node >= 20.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const MIN_NODE_MAJOR = 20;

export interface NodeRuntime {
  path: string;
  version: string;
  /** Where it came from, for the log and the status bar tooltip. */
  source: 'tfnb.nodePath' | 'PATH' | 'version manager' | 'VS Code';
}

export class NodeRuntimeError extends Error {
  override name = 'NodeRuntimeError';
}

const exe = process.platform === 'win32' ? 'node.exe' : 'node';

export async function findNodeRuntime(configuredPath: string, log: (line: string) => void): Promise<NodeRuntime> {
  if (configuredPath) {
    const version = await nodeVersion(configuredPath);
    if (version.ok) return { path: configuredPath, version: version.version, source: 'tfnb.nodePath' };
    throw new NodeRuntimeError(
      `The setting tfnb.nodePath is "${configuredPath}", which cannot run the kernel: ${version.why}. Point it at Node.js ${MIN_NODE_MAJOR} or newer, or clear it to use the node on PATH.`,
    );
  }
  const tried: string[] = [];
  const candidates: Array<{ path: string; source: NodeRuntime['source'] }> = [
    ...onPath().map((p) => ({ path: p, source: 'PATH' as const })),
    ...fromVersionManagers().map((p) => ({ path: p, source: 'version manager' as const })),
    { path: process.execPath, source: 'VS Code' },
  ];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate.path)) continue;
    seen.add(candidate.path);
    const version = await nodeVersion(candidate.path);
    if (version.ok) return { ...candidate, version: version.version };
    tried.push(`${candidate.path} (${version.why})`);
    log(`node candidate rejected: ${candidate.path}: ${version.why}`);
  }
  throw new NodeRuntimeError(
    `No Node.js ${MIN_NODE_MAJOR}+ was found to run the tfnb kernel. Tried: ${tried.join('; ')}. Install Node.js ${MIN_NODE_MAJOR} or newer, or set tfnb.nodePath to its binary.`,
  );
}

type VersionCheck = { ok: true; version: string } | { ok: false; why: string };

export function nodeVersion(binary: string): Promise<VersionCheck> {
  return new Promise((resolve) => {
    execFile(
      binary,
      ['-p', 'process.versions.node'],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 15_000, windowsHide: true },
      (error, stdout) => {
        if (error) {
          resolve({ ok: false, why: error.message.split('\n')[0] ?? String(error) });
          return;
        }
        const version = stdout.trim();
        const major = Number(version.split('.')[0]);
        if (!Number.isInteger(major)) resolve({ ok: false, why: `did not report a Node.js version (printed "${version.slice(0, 80)}")` });
        else if (major < MIN_NODE_MAJOR) resolve({ ok: false, why: `it is Node.js ${version}; tfnb needs ${MIN_NODE_MAJOR} or newer` });
        else resolve({ ok: true, version });
      },
    );
  });
}

function onPath(): string[] {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, exe))
    .filter((p) => existsSync(p));
}

/** Where nvm, Volta, fnm and asdf put node, for hosts whose PATH lacks the shell's setup (e.g. Remote-SSH). */
function fromVersionManagers(): string[] {
  const home = homedir();
  const found: string[] = [];
  const add = (p: string | undefined) => {
    if (p && existsSync(p)) found.push(p);
  };
  add(process.env.NVM_BIN && join(process.env.NVM_BIN, exe));
  const nvmVersions = join(process.env.NVM_DIR ?? join(home, '.nvm'), 'versions', 'node');
  for (const v of newestFirst(nvmVersions)) add(join(nvmVersions, v, 'bin', exe));
  add(join(process.env.VOLTA_HOME ?? join(home, '.volta'), 'bin', exe));
  add(join(home, '.local', 'share', 'fnm', 'aliases', 'default', 'bin', exe));
  add(join(home, '.asdf', 'shims', exe));
  add(join('/usr/local/bin', exe));
  add(join('/opt/homebrew/bin', exe));
  return found;
}

function newestFirst(dir: string): string[] {
  try {
    const parse = (v: string) => v.replace(/^v/, '').split('.').map(Number);
    return readdirSync(dir)
      .filter((v) => /^v?\d+\.\d+\.\d+$/.test(v))
      .sort((a, b) => {
        const [x, y] = [parse(a), parse(b)];
        for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0);
        return 0;
      });
  } catch {
    return [];
  }
}
