/**
 * The two things tfnb asks of VS Code's built-in TypeScript extension: pass a configuration to
 * tfnb's server plugin, and run a request on its server. VS Code does not show semantic
 * diagnostics for notebook cells itself, so tfnb asks for them (`semanticDiagnosticsSync`, one
 * of the requests `typescript.tsserverRequest` allows) and shows them.
 */
import * as vscode from 'vscode';
import { PLUGIN_NAME, type PluginConfig } from './pluginProtocol';

const EXTENSION_ID = 'vscode.typescript-language-features';

interface TypeScriptApi {
  configurePlugin(pluginId: string, configuration: unknown): void;
}
interface TypeScriptExtensionExports {
  getAPI(version: 0): TypeScriptApi | undefined;
}

/** A diagnostic as the server sends it (ts.server.protocol.Diagnostic). */
export interface ServerDiagnostic {
  start: { line: number; offset: number };
  end: { line: number; offset: number };
  text: string;
  code?: number;
  category: string;
  reportsUnnecessary?: object;
  reportsDeprecated?: object;
  source?: string;
}

export class TypeScriptExtension {
  private api: Promise<TypeScriptApi | undefined> | undefined;

  constructor(private readonly log: (message: string) => void) {}

  /** Activates the TypeScript extension (once) and gets its API; undefined when it is disabled. */
  private ready(): Promise<TypeScriptApi | undefined> {
    this.api ??= (async () => {
      const extension = vscode.extensions.getExtension<TypeScriptExtensionExports>(EXTENSION_ID);
      if (!extension) {
        this.log("VS Code's TypeScript extension is not available: notebook type checking is off");
        return undefined;
      }
      const exports = await extension.activate();
      return exports?.getAPI(0);
    })();
    return this.api;
  }

  async configurePlugin(config: PluginConfig): Promise<void> {
    (await this.ready())?.configurePlugin(PLUGIN_NAME, config);
  }

  /** The cell's semantic diagnostics from the server, or undefined if the server did not answer. */
  async semanticDiagnostics(cell: vscode.Uri, token?: vscode.CancellationToken): Promise<ServerDiagnostic[] | undefined> {
    if (!(await this.ready())) return undefined;
    const response = await vscode.commands.executeCommand<{ type?: string; success?: boolean; body?: unknown } | undefined>(
      'typescript.tsserverRequest',
      'semanticDiagnosticsSync',
      { file: cell, includeLinePosition: false },
      undefined /* exec config */,
      token,
    );
    if (response?.type !== 'response' || !response.success || !Array.isArray(response.body)) return undefined;
    return response.body as ServerDiagnostic[];
  }
}
