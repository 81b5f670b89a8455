/**
 * A real TypeScript server (node_modules/typescript/lib/tsserver.js) with tfnb's plugin loaded
 * the way VS Code loads it (--globalPlugins, --pluginProbeLocations), fed notebook cells the way
 * VS Code's TypeScript extension opens them: as `^/vscode-notebook-cell/...` in-memory files in
 * an inferred project, with VS Code's inferred-project compiler options.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { server } from 'typescript';
import { cellKeyOfUri, PLUGIN_NAME, type CellLanguage, type PluginConfig } from '../../src/authoring/pluginProtocol';

type Protocol = typeof server.protocol;
export type { Protocol };

export const ROOT = resolve(__dirname, '../..');

/** What VS Code 1.100's TypeScript extension sends as compilerOptionsForInferredProjects (defaults). */
export const VSCODE_INFERRED_OPTIONS = {
  module: 'Preserve',
  moduleResolution: 'Bundler',
  target: 'ES2022',
  jsx: 'react-jsx',
  allowImportingTsExtensions: true,
  strictNullChecks: true,
  strictFunctionTypes: true,
  sourceMap: true,
  allowJs: true,
  allowSyntheticDefaultImports: true,
  allowNonTsExtensions: true,
  resolveJsonModule: true,
};

/** Bundles the plugin into `<dir>/node_modules/tfnb-tsplugin` and the shipped types into `<dir>/types`. */
export async function preparePlugin(dir: string): Promise<{ probeDir: string; typesDir: string }> {
  const pkg = join(dir, 'node_modules', PLUGIN_NAME);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: PLUGIN_NAME, main: 'index.js' }));
  await build({
    entryPoints: [join(ROOT, 'src/tsplugin/index.ts')],
    outfile: join(pkg, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['typescript'],
    logLevel: 'warning',
    footer: { js: 'module.exports = module.exports.default;' },
  });
  const shipTypes = (await import(pathToFileURL(join(ROOT, 'src/authoring/build/shipTypes.mjs')).href)) as {
    shipTypes(root: string, out: string): Promise<string>;
  };
  const typesDir = await shipTypes.shipTypes(ROOT, join(dir, 'types'));
  return { probeDir: dir, typesDir };
}

/** A notebook cell as VS Code names it: `vscode-notebook-cell:<path>#W<n>sZmlsZQ==`. */
export interface TestCell {
  uri: { path: string; fragment: string };
  text: string;
  language: CellLanguage;
  serverFile: string;
}

export function notebookCells(notebookPath: string, sources: readonly string[], language: CellLanguage = 'typescript'): TestCell[] {
  return sources.map((text, i) => {
    const uri = { path: notebookPath, fragment: `W${i}sZmlsZQ==` };
    return { uri, text, language, serverFile: `^/vscode-notebook-cell/ts-nul-authority${uri.path}#${uri.fragment}` };
  });
}

export function pluginConfig(typesDir: string, notebookDir: string, cells: readonly TestCell[]): PluginConfig {
  return { typesDir, notebooks: [{ dir: notebookDir, cells: cells.map((c) => ({ key: cellKeyOfUri(c.uri), language: c.language })) }] };
}

interface Pending {
  resolve(body: unknown): void;
  reject(e: Error): void;
  command: string;
}

export class TsServer {
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, Pending>();
  readonly log: string;

  private constructor(
    private readonly child: ChildProcess,
    log: string,
    private readonly logDir: string,
  ) {
    this.log = log;
    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`tsserver exited (${code}) during ${p.command}`));
      this.pending.clear();
    });
  }

  static async start(probeDir: string, projectRoot: string): Promise<TsServer> {
    const logDir = mkdtempSync(join(tmpdir(), 'tfnb-tsserver-log-'));
    const log = join(logDir, 'tsserver.log');
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/lib/tsserver.js'),
        '--useInferredProjectPerProjectRoot',
        '--disableAutomaticTypingAcquisition',
        '--locale',
        'en',
        '--noGetErrOnBackgroundUpdate',
        '--suppressDiagnosticEvents',
        '--globalPlugins',
        PLUGIN_NAME,
        '--pluginProbeLocations',
        probeDir,
        '--logVerbosity',
        process.env.TFNB_KEEP_TSSERVER_LOG ? 'verbose' : 'normal',
        '--logFile',
        log,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'], cwd: projectRoot },
    );
    const server = new TsServer(child, log, logDir);
    await server.request('configure', {
      hostInfo: 'vscode',
      preferences: { includeCompletionsForModuleExports: true, includeCompletionsWithInsertText: true },
    });
    await server.request('compilerOptionsForInferredProjects', { options: VSCODE_INFERRED_OPTIONS });
    return server;
  }

  request<T = unknown>(command: string, args?: unknown): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolvePromise, reject) => {
      this.pending.set(seq, { resolve: resolvePromise as (b: unknown) => void, reject, command });
      this.child.stdin!.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    });
  }

  /** Opens the cells as VS Code does (one updateOpen), then sends the plugin its configuration. */
  async openNotebook(projectRoot: string, cells: readonly TestCell[], config: PluginConfig): Promise<void> {
    await this.request('updateOpen', {
      openFiles: cells.map((c) => ({
        file: c.serverFile,
        fileContent: c.text,
        projectRootPath: projectRoot,
        scriptKindName: c.language === 'javascript' ? 'JS' : 'TS',
      })),
    });
    await this.configure(config);
  }

  configure(config: PluginConfig): Promise<unknown> {
    return this.request('configurePlugin', { pluginName: PLUGIN_NAME, configuration: config });
  }

  /** Replaces a cell's whole text, as an edit would. */
  async setText(cell: TestCell, text: string): Promise<void> {
    const lines = cell.text.split('\n');
    await this.request('updateOpen', {
      changedFiles: [
        {
          fileName: cell.serverFile,
          textChanges: [
            { start: { line: 1, offset: 1 }, end: { line: lines.length, offset: lines[lines.length - 1]!.length + 1 }, newText: text },
          ],
        },
      ],
    });
    cell.text = text;
  }

  /** Inserts text at a 1-based line/offset (a keystroke). */
  async insert(cell: TestCell, line: number, offset: number, text: string): Promise<void> {
    await this.request('updateOpen', {
      changedFiles: [{ fileName: cell.serverFile, textChanges: [{ start: { line, offset }, end: { line, offset }, newText: text }] }],
    });
    const lines = cell.text.split('\n');
    const l = lines[line - 1]!;
    lines[line - 1] = l.slice(0, offset - 1) + text + l.slice(offset - 1);
    cell.text = lines.join('\n');
  }

  semanticDiagnostics(cell: TestCell): Promise<server.protocol.Diagnostic[]> {
    return this.request('semanticDiagnosticsSync', { file: cell.serverFile });
  }

  syntacticDiagnostics(cell: TestCell): Promise<server.protocol.Diagnostic[]> {
    return this.request('syntacticDiagnosticsSync', { file: cell.serverFile });
  }

  /** CPU time the server process has used so far, in ms (10 ms resolution; Linux). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.write(`${JSON.stringify({ seq: ++this.seq, type: 'request', command: 'exit' })}\n`);
    const timer = setTimeout(() => this.child.kill(), 5000);
    await exited;
    clearTimeout(timer);
    // TFNB_KEEP_TSSERVER_LOG=1 keeps the server's log (its path is `log`) for a look after the run.
    if (!process.env.TFNB_KEEP_TSSERVER_LOG) rmSync(this.logDir, { recursive: true, force: true });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const match = /Content-Length: (\d+)/.exec(this.buffer.subarray(0, header).toString());
      if (!match) throw new Error(`tsserver: bad header ${this.buffer.subarray(0, header).toString()}`);
      const length = Number(match[1]);
      if (this.buffer.length < header + 4 + length) return;
      const body = this.buffer.subarray(header + 4, header + 4 + length).toString();
      this.buffer = this.buffer.subarray(header + 4 + length);
      const message = JSON.parse(body) as { type: string; request_seq?: number; success?: boolean; body?: unknown; message?: string };
      if (message.type !== 'response' || message.request_seq === undefined) continue;
      const pending = this.pending.get(message.request_seq);
      if (!pending) continue;
      this.pending.delete(message.request_seq);
      if (message.success === false) pending.reject(new Error(`${pending.command}: ${message.message}`));
      else pending.resolve(message.body);
    }
  }
}

/** A scratch folder with a notebook path in it; removed by `dispose`. */
export function scratchDir(prefix: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
