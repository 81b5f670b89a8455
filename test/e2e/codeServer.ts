/**
 * A real VS Code for end-to-end runs: code-server (VS Code's workbench and remote extension
 * host) in throwaway user/extension/XDG dirs, with the tfnb .vsix installed. Installs
 * code-server with ../shared/e2e/install-code-server.sh when it is missing (CI starts fresh).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const VSIX = join(ROOT, 'out/tfnb.vsix');
export const ARTIFACTS = join(ROOT, '.test-artifacts/e2e');

export function codeServerDir(): string {
  return process.env.TFNB_CODE_SERVER_DIR ?? join(homedir(), '.cache/tfnb/code-server');
}

/** The code-server binary, installed first if missing. */
export function ensureCodeServer(): string {
  const dir = codeServerDir();
  const bin = join(dir, 'node_modules/.bin/code-server');
  if (existsSync(bin)) return bin;
  const script = [join(ROOT, '../shared/e2e/install-code-server.sh'), join(ROOT, 'shared/e2e/install-code-server.sh')].find((p) =>
    existsSync(p),
  );
  if (!script) throw new Error(`code-server is not in ${dir} and install-code-server.sh was not found beside the project`);
  console.log(`[e2e] installing code-server into ${dir} (about 90 s)`);
  const r = spawnSync('bash', [script, dir], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(bin)) throw new Error(`installing code-server failed (exit ${r.status})`);
  return bin;
}

/** Inputs of the .vsix: when any is newer than it, it is rebuilt. */
const VSIX_INPUTS = ['src', 'renderers', 'media', 'scripts/build.mjs', 'package.json', '.vscodeignore', 'README.md'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newestMtime(join(path, n))));
}

/**
 * Builds out/tfnb.vsix with `npm run package` when it is missing or older than its sources.
 * TFNB_E2E_VSIX names a prebuilt package to test instead (e.g. a release candidate).
 */
export function ensureVsix(): string {
  const given = process.env.TFNB_E2E_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`TFNB_E2E_VSIX=${given} does not exist`);
    return given;
  }
  const built = existsSync(VSIX) ? statSync(VSIX).mtimeMs : 0;
  const stale = VSIX_INPUTS.some((p) => newestMtime(join(ROOT, p)) > built);
  if (stale) {
    console.log('[e2e] building the .vsix (npm run package)');
    const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status})`);
  }
  const listing = spawnSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' });
  if (listing.status === 0 && !listing.stdout.includes('extension/node_modules/esbuild/lib/main.js')) {
    throw new Error(
      `${VSIX} lacks node_modules/esbuild, which the kernel needs at run time: esbuild must be listed in package.json "dependencies" for vsce to pack it`,
    );
  }
  return VSIX;
}

export interface CodeServerOptions {
  /** Files to put in the opened folder: name -> content. */
  workspaceFiles: Record<string, string>;
  settings?: Record<string, unknown>;
  /** More .vsix files to install beside tfnb's. */
  extraVsix?: string[];
  /** Leave Workspace Trust on, so the opened folder is untrusted (restricted mode). */
  untrusted?: boolean;
}

export interface RunningCodeServer {
  url: string;
  workspace: string;
  userDataDir: string;
  /** The run's scratch dir; also Chromium's profile and XDG dirs live here. */
  runDir: string;
  env: NodeJS.ProcessEnv;
  /** code-server's process id: its extension hosts and kernels are its descendants. */
  pid: number;
  /** True once the extension host has activated eager extensions (contributions registered). */
  extensionHostReady(): boolean;
  /** How many times an extension host has activated eager extensions (grows when a reloaded window starts a new one). */
  extensionHostActivations(): number;
  /** Text of the extension host's logs, for diagnostics. */
  extensionHostLog(): string;
  stop(): Promise<void>;
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'git.enabled': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.parameterHints.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'notebook.confirmDeleteRunningCell': false,
  'files.hotExit': 'off',
};

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const bin = ensureCodeServer();
  const vsix = ensureVsix();
  const runDir = mkdtempSync(join(tmpdir(), 'tfnb-e2e-'));
  const dirs = { ud: join(runDir, 'ud'), ext: join(runDir, 'ext'), ws: join(runDir, 'ws'), xdg: join(runDir, 'xdg') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.ud, 'User'), { recursive: true });
  const trust = options.untrusted
    ? {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.untrustedFiles': 'open',
      }
    : {};
  writeFileSync(join(dirs.ud, 'User/settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...options.settings }, null, 1));
  for (const [name, content] of Object.entries(options.workspaceFiles)) writeFileSync(join(dirs.ws, name), content);

  // XDG_*: without them code-server writes ~/.config/code-server and Chromium ~/.config/chromium.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdg,
    XDG_DATA_HOME: dirs.xdg,
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
  };
  const common = ['--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext];
  for (const file of [vsix, ...(options.extraVsix ?? [])]) {
    const install = spawnSync(bin, [...common, '--install-extension', file], { env, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`installing ${file} failed: ${install.stdout}${install.stderr}`);
  }

  const port = await freePort();
  const server = spawn(
    bin,
    [
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.untrusted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      dirs.ws,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let serverOutput = '';
  server.stdout?.on('data', (b: Buffer) => {
    serverOutput += b.toString();
  });
  server.stderr?.on('data', (b: Buffer) => {
    serverOutput += b.toString();
  });
  await waitForListening(server, () => serverOutput);

  const exthostLogs = (): string[] => {
    const logs = join(dirs.ud, 'logs');
    if (!existsSync(logs)) return [];
    return readdirSync(logs)
      .map((d) => join(logs, d, 'exthost1/remoteexthost.log'))
      .filter((f) => existsSync(f));
  };
  // Every extension host log, also those of later hosts (exthost2, ...) and later sessions.
  const allExthostLogs = (): string[] => {
    const logs = join(dirs.ud, 'logs');
    if (!existsSync(logs)) return [];
    return readdirSync(logs).flatMap((d) => {
      const session = join(logs, d);
      if (!statSync(session).isDirectory()) return [];
      return readdirSync(session)
        .filter((h) => /^exthost\d+$/.test(h))
        .map((h) => join(session, h, 'remoteexthost.log'))
        .filter((f) => existsSync(f));
    });
  };
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}`,
    workspace: dirs.ws,
    userDataDir: dirs.ud,
    runDir,
    env,
    pid: server.pid ?? 0,
    extensionHostReady: () => exthostLogs().some((f) => /Eager extensions activated/.test(readFileSync(f, 'utf8'))),
    extensionHostActivations: () =>
      allExthostLogs().reduce((n, f) => n + (readFileSync(f, 'utf8').match(/Eager extensions activated/g)?.length ?? 0), 0),
    extensionHostLog: () =>
      exthostLogs()
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n'),
    stop: async () => {
      await killGroup(server);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

function waitForListening(server: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 60 s:\n${output()}`)), 60_000);
    const check = () => {
      if (/HTTP server listening/.test(output())) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    server.stdout?.on('data', check);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${output()}`));
    });
  });
}

/** Ends code-server and everything it started (extension host, kernels): its process group. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = new Promise<void>((r) => setTimeout(r, 3000));
  await Promise.race([exited, timeout]);
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}
