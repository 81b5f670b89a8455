/**
 * The Variables view (panel, beside Problems and Terminal): the active tfnb notebook's top-level
 * names with kind, shape, dtype, memory and a model's parameter count, refreshed after each
 * execution while the view is visible. A filter goes to the kernel, so with 10,000 names the
 * ones wanted are still found; the kernel sends at most LIST_LIMIT summaries. A click shows the
 * value in a panel drawn by tfnb's renderer (variablesPanel.ts).
 *
 * VS Code's own notebook variables API (`NotebookController.variableProvider`) is a proposed
 * API, which published extensions cannot use; hence a view of tfnb's own.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { VariableSummary } from '../protocol/messages';
import type { TfnbController } from './controller';
import type { KernelManager } from './kernelManager';
import { panelContent, VariablePanel } from './variablesPanel';
import { variableDescription, variableIcon, variableTooltip } from './variablesText';

export const VARIABLES_VIEW = 'tfnb.variables';
export const VARIABLES_COMMANDS = {
  open: 'tfnb.variables.open',
  show: 'tfnb.variables.show',
  filter: 'tfnb.variables.filter',
  clearFilter: 'tfnb.variables.clearFilter',
  refresh: 'tfnb.variables.refresh',
} as const;
/** How many names the view lists at most (sorted; a filter finds the others). */
const LIST_LIMIT = 500;
/** Kernel changes come in bursts (busy, idle, memory): one request per burst. */
const REFRESH_DELAY_MS = 150;

class VariableItem extends vscode.TreeItem {
  constructor(readonly summary: VariableSummary) {
    super(summary.name, vscode.TreeItemCollapsibleState.None);
    this.description = variableDescription(summary);
    this.tooltip = new vscode.MarkdownString(variableTooltip(summary));
    this.iconPath = new vscode.ThemeIcon(variableIcon(summary));
    this.contextValue = `tfnb.variable.${summary.kind}`;
    this.command = { command: VARIABLES_COMMANDS.show, title: 'Show Value', arguments: [summary.name] };
  }
}

class VariablesProvider implements vscode.TreeDataProvider<VariableItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  items: VariableItem[] = [];

  set(items: VariableItem[]): void {
    this.items = items;
    this.changed.fire();
  }
  getTreeItem(item: VariableItem): vscode.TreeItem {
    return item;
  }
  getChildren(item?: VariableItem): VariableItem[] {
    return item ? [] : this.items;
  }
}

export class VariablesView implements vscode.Disposable {
  private readonly provider = new VariablesProvider();
  private readonly tree: vscode.TreeView<VariableItem>;
  private readonly panel: VariablePanel;
  private readonly disposables: vscode.Disposable[] = [];
  private filter = '';
  /**
   * The notebook listed: the active notebook editor's, kept while another editor (the value
   * panel, a text file) is active and the notebook stays open.
   */
  private notebook: vscode.NotebookDocument | undefined = vscode.window.activeNotebookEditor?.notebook;
  private timer: NodeJS.Timeout | undefined;
  /** Replies to older requests are dropped: only the latest one's list is shown. */
  private requestCounter = 0;

  constructor(
    private readonly controller: TfnbController,
    private readonly kernels: KernelManager,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.panel = new VariablePanel(extensionUri);
    this.tree = vscode.window.createTreeView(VARIABLES_VIEW, { treeDataProvider: this.provider });
    this.disposables.push(
      this.tree,
      this.panel,
      this.tree.onDidChangeVisibility(() => this.scheduleRefresh()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.scheduleRefresh()),
      controller.onDidChangeSelection(() => this.scheduleRefresh()),
      kernels.onDidChange((uri) => {
        if (uri.toString() === this.activeNotebook()?.uri.toString()) this.scheduleRefresh();
      }),
      vscode.commands.registerCommand(VARIABLES_COMMANDS.open, () => vscode.commands.executeCommand(`${VARIABLES_VIEW}.focus`)),
      vscode.commands.registerCommand(VARIABLES_COMMANDS.show, (name: unknown) => this.show(name)),
      vscode.commands.registerCommand(VARIABLES_COMMANDS.filter, () => this.askFilter()),
      vscode.commands.registerCommand(VARIABLES_COMMANDS.clearFilter, () => this.setFilter('')),
      vscode.commands.registerCommand(VARIABLES_COMMANDS.refresh, () => this.refresh()),
    );
    void vscode.commands.executeCommand('setContext', 'tfnb.variablesFiltered', false);
    this.scheduleRefresh();
  }

  private activeNotebook(): vscode.NotebookDocument | undefined {
    const active = vscode.window.activeNotebookEditor?.notebook;
    if (active) this.notebook = active;
    else if (this.notebook?.isClosed) this.notebook = undefined;
    return this.notebook;
  }

  private scheduleRefresh(): void {
    if (!this.tree.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  private async refresh(): Promise<void> {
    const request = ++this.requestCounter;
    const notebook = this.activeNotebook();
    const session = notebook && this.controller.isTfnbFor(notebook) ? this.kernels.get(notebook) : undefined;
    const empty = (message: string) => {
      this.provider.set([]);
      this.tree.description = this.filter ? `filter: ${this.filter}` : undefined;
      this.tree.message = message;
    };
    if (!notebook || !this.controller.isTfnbFor(notebook)) return empty('Open a notebook that runs on tfnb to see its variables.');
    if (!session || session.state === 'dead' || session.state === 'closed' || session.state === 'starting')
      return empty('Run a cell to see the notebook’s variables.');
    try {
      const list = await session.listVariables({ filter: this.filter || undefined, limit: LIST_LIMIT });
      if (request !== this.requestCounter) return;
      this.provider.set(list.variables.map((v) => new VariableItem(v)));
      this.tree.description = [basename(notebook.uri.path), this.filter ? `filter: ${this.filter}` : ''].filter(Boolean).join(' · ');
      this.tree.message = listMessage(list.total, list.variables.length, this.filter);
    } catch (e) {
      if (request !== this.requestCounter) return;
      this.log.warn(`variables view: ${e instanceof Error ? e.message : String(e)}`);
      empty('Run a cell to see the notebook’s variables.');
    }
  }

  private async askFilter(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Filter Variables',
      prompt: 'Names containing this text (any case); empty shows all',
      value: this.filter,
    });
    if (value !== undefined) await this.setFilter(value.trim());
  }

  private async setFilter(filter: string): Promise<void> {
    this.filter = filter;
    await vscode.commands.executeCommand('setContext', 'tfnb.variablesFiltered', filter !== '');
    await this.refresh();
  }

  private async show(name: unknown): Promise<void> {
    if (typeof name !== 'string') return;
    const notebook = this.activeNotebook();
    const session = notebook && this.kernels.get(notebook);
    if (!session) return;
    try {
      const bundle = await session.inspectVariable(name);
      this.panel.show(name, panelContent(bundle));
    } catch (e) {
      this.panel.show(name, { kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

function listMessage(total: number, shown: number, filter: string): string | undefined {
  if (total === 0) return filter ? `No names contain “${filter}”.` : 'No variables yet.';
  if (shown < total) return `Showing the first ${shown} of ${total.toLocaleString('en-US')} names: filter to find the others.`;
  return undefined;
}
