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

/** One notebook's kernel session, under the URI the notebook has now (it changes on Save As). */
class SessionEntry {
  readonly session: Promise<KernelSession>;
  /** The session once made (its kernel may not have started yet). */
  made: KernelSession | undefined;

  constructor(
    public uri: vscode.Uri,
    make: (entry: SessionEntry) => Promise<KernelSession>,
  ) {
    this.session = make(this);
  }
}

export class KernelManager implements vscode.Disposable {
  private readonly sessions = new Map<string, SessionEntry>();
  /** Backend picked for one notebook from the status bar menu; wins over tfnb.backend. */
  private readonly backendOverrides = new Map<string, BackendChoice>();
  private nodeRuntime: { configured: string; found: Promise<NodeRuntime> } | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with a notebook's URI when its kernel's state, backend or memory changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The session if one exists and is made (no kernel is started). */
  get(notebook: vscode.NotebookDocument): KernelSession | undefined {
    return this.sessions.get(notebook.uri.toString())?.made;
  }

  has(uri: vscode.Uri): boolean {
    return this.sessions.has(uri.toString());
  }

  getOrCreate(notebook: vscode.NotebookDocument): Promise<KernelSession> {
    const key = notebook.uri.toString();
    const existing = this.sessions.get(key);
    if (existing) return existing.session;
    const entry = new SessionEntry(notebook.uri, (e) => this.create(notebook, e));
    this.sessions.set(key, entry);
    entry.session.catch(() => this.remove(entry));
    return entry.session;
  }

  /**
   * The notebook at `from` is now at `to` (Save As, or the first save of an untitled one):
   * its kernel, execution numbering and backend choice go with it. False when `from` had
   * no kernel or `to` already has one.
   */
  move(from: vscode.Uri, to: vscode.Uri): boolean {
    const [oldKey, newKey] = [from.toString(), to.toString()];
    const backend = this.backendOverrides.get(oldKey);
    if (backend && !this.backendOverrides.has(newKey)) {
      this.backendOverrides.delete(oldKey);
      this.backendOverrides.set(newKey, backend);
    }
    const entry = this.sessions.get(oldKey);
    if (!entry || this.sessions.has(newKey)) return false;
    this.sessions.delete(oldKey);
    this.sessions.set(newKey, entry);
    entry.uri = to;
    this.log.info(`${label(from)} was saved as ${to.scheme === 'file' ? to.fsPath : to.toString()}: its kernel goes on`);
    this.changed.fire(to);
    return true;
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
    const entry = this.sessions.get(uri.toString());
    if (!entry) return;
    this.remove(entry);
    const made = await entry.session.catch(() => undefined);
    await made?.dispose();
    this.changed.fire(uri);
  }

  forget(uri: vscode.Uri): void {
    this.backendOverrides.delete(uri.toString());
  }

  /** Re-check the Node binary on the next kernel start (tfnb.nodePath changed). */
  resetNodeRuntime(): void {
    this.nodeRuntime = undefined;
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      all.map((e) =>
        e.session.then(
          (made) => made.dispose(),
          () => undefined,
        ),
      ),
    );
    this.changed.dispose();
  }

  /** Drops the entry from the map, under whichever URI it has now. */
  private remove(entry: SessionEntry): void {
    const key = entry.uri.toString();
    if (this.sessions.get(key) === entry) this.sessions.delete(key);
  }

  private async create(notebook: vscode.NotebookDocument, entry: SessionEntry): Promise<KernelSession> {
    const settings = readSettings(notebook.uri);
    const node = await this.findNode(settings.nodePath);
    const session = new KernelSession({
      notebookDir: notebookDir(notebook),
      settings,
      backend: this.backendChoice(notebook),
      node,
      log: this.log,
      label: label(notebook.uri),
    });
    // entry.uri, not notebook.uri: the notebook may have been saved under another name since.
    session.onDidChange(() => this.changed.fire(entry.uri));
    entry.made = session;
    this.changed.fire(entry.uri);
    return session;
  }

  private findNode(configured: string): Promise<NodeRuntime> {
    if (!this.nodeRuntime || this.nodeRuntime.configured !== configured) {
      const found = findNodeRuntime(configured, (line) => this.log.info(line));
      this.nodeRuntime = { configured, found };
      found.catch(() => {
        if (this.nodeRuntime?.found === found) this.nodeRuntime = undefined;
      });
    }
    return this.nodeRuntime.found;
  }
}

/** A notebook's short name, to tell kernels apart in the log. */
function label(uri: vscode.Uri): string {
  return basename(uri.path) || uri.toString();
}
