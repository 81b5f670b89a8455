/**
 * One kernel session per notebook, keyed by the notebook's URI. Sessions start lazily at a
 * notebook's first run and end when the notebook closes or the extension deactivates, so no
 * kernel process outlives its notebook.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { BackendChoice } from '../protocol/messages';
import { KernelSession } from './kernelSession';
import { findNodeRuntime, type NodeRuntime } from './nodeRuntime';
import { notebookDir } from '../vscodeShared/notebookDir';
import { readSettings } from '../vscodeShared/settings';

export class KernelManager implements vscode.Disposable {
  private readonly sessions = new Map<string, Promise<KernelSession>>();
  private readonly ready = new Map<string, KernelSession>();
  /** Backend picked for one notebook from the status bar menu; wins over tfnb.backend. */
  private readonly backendOverrides = new Map<string, BackendChoice>();
  private nodeRuntime: { configured: string; found: Promise<NodeRuntime> } | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with a notebook's URI when its kernel's state, backend or memory changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The session if one exists and is made (no kernel is started). */
  get(notebook: vscode.NotebookDocument): KernelSession | undefined {
    return this.ready.get(notebook.uri.toString());
  }

  has(uri: vscode.Uri): boolean {
    return this.sessions.has(uri.toString());
  }

  getOrCreate(notebook: vscode.NotebookDocument): Promise<KernelSession> {
    const key = notebook.uri.toString();
    let session = this.sessions.get(key);
    if (!session) {
      session = this.create(notebook);
      this.sessions.set(key, session);
      session.catch(() => { if (this.sessions.get(key) === session) this.sessions.delete(key); });
    }
    return session;
  }

  backendChoice(notebook: vscode.NotebookDocument): BackendChoice {
    return this.backendOverrides.get(notebook.uri.toString()) ?? readSettings(notebook.uri).backend;
  }

  /** Ends the notebook's kernel and starts a new one with the current settings. */
  async restart(notebook: vscode.NotebookDocument, backend?: BackendChoice): Promise<KernelSession> {
    if (backend) this.backendOverrides.set(notebook.uri.toString(), backend);
    await this.shutdown(notebook.uri);
    const session = await this.getOrCreate(notebook);
    await session.start();
    return session;
  }

  interrupt(notebook: vscode.NotebookDocument): void {
    this.get(notebook)?.interrupt();
  }

  async shutdown(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    this.ready.delete(key);
    if (!session) return;
    const made = await session.catch(() => undefined);
    await made?.dispose();
    this.changed.fire(uri);
  }

  forget(uri: vscode.Uri): void {
    this.backendOverrides.delete(uri.toString());
  }

  /** Re-check the Node binary on the next kernel start (tfnb.nodePath changed). */
  resetNodeRuntime(): void { this.nodeRuntime = undefined; }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.ready.clear();
    await Promise.all(all.map((s) => s.then((made) => made.dispose(), () => undefined)));
    this.changed.dispose();
  }

  private async create(notebook: vscode.NotebookDocument): Promise<KernelSession> {
    const settings = readSettings(notebook.uri);
    const node = await this.findNode(settings.nodePath);
    const key = notebook.uri.toString();
    const session = new KernelSession({
      notebookDir: notebookDir(notebook),
      settings,
      backend: this.backendChoice(notebook),
      node,
      log: this.log,
      label: basename(notebook.uri.path) || key,
    });
    session.onDidChange(() => this.changed.fire(notebook.uri));
    this.ready.set(key, session);
    this.changed.fire(notebook.uri);
    return session;
  }

  private findNode(configured: string): Promise<NodeRuntime> {
    if (!this.nodeRuntime || this.nodeRuntime.configured !== configured) {
      const found = findNodeRuntime(configured, (line) => this.log.info(line));
      this.nodeRuntime = { configured, found };
      found.catch(() => { if (this.nodeRuntime?.found === found) this.nodeRuntime = undefined; });
    }
    return this.nodeRuntime.found;
  }
}

