/**
 * tfnb's TypeScript server plugin (contributes.typescriptServerPlugins): inside VS Code's own
 * TypeScript server, each cell of a notebook tfnb runs is seen as a module made of the cell's
 * text plus a suffix importing the names of the cells above and the kernel's globals, so
 * completions, hovers, go-to-definition and type checking know the notebook. The extension
 * says which notebooks are tfnb's, in what cell order, through `configurePlugin`.
 * The server calls the factory once per project, each with its own model.
 */
import type * as ts from 'typescript';
import { isPluginConfig } from '../authoring/pluginProtocol';
import { createLanguageServiceProxy } from './languageServiceProxy';
import { NotebookModel } from './notebookModel';
import { rememberTypeAcquisition } from './projectSpeedups';
import { installVirtualFiles } from './virtualFiles';

interface PluginModule {
  create(info: ts.server.PluginCreateInfo): ts.LanguageService;
  onConfigurationChanged?(config: unknown): void;
}

function init(modules: { typescript: typeof ts }): PluginModule {
  const tsModule = modules.typescript;
  let model: NotebookModel | undefined;
  let project: ts.server.Project | undefined;
  return {
    create(info) {
      if (!supported(tsModule)) {
        // Cells' imports resolve through resolveModuleNameLiterals, which TypeScript has since 5.0.
        info.project.projectService.logger.info(
          `tfnb-tsplugin: TypeScript ${tsModule.version} is older than 5.0; notebook cells are left as they are`,
        );
        return info.languageService;
      }
      project = info.project;
      const host = info.languageServiceHost;
      const originalSnapshot = host.getScriptSnapshot.bind(host);
      const originalVersion = host.getScriptVersion.bind(host);
      const current = info.project;
      model = new NotebookModel(tsModule, {
        version: (f) => originalVersion(f),
        text: (f) => {
          const s = originalSnapshot(f);
          return s?.getText(0, s.getLength());
        },
        projectVersion: () => current.getProjectVersion(),
        rootFiles: () => current.getRootFiles(),
        isOpen: (f) => current.projectService.getScriptInfo(f)?.isScriptOpen() === true,
      });
      if (isPluginConfig(info.config)) model.configure(info.config);
      rememberTypeAcquisition(current);
      const files = installVirtualFiles(tsModule, host, model);
      return createLanguageServiceProxy(tsModule, info.languageService, model, files);
    },
    onConfigurationChanged(config) {
      if (!model || !isPluginConfig(config)) return;
      model.configure(config);
      // The virtual files changed without any file changing: make the project rebuild its program.
      (project as unknown as { markAsDirty?: () => void } | undefined)?.markAsDirty?.();
    },
  };
}

/** TypeScript 5.0 or newer (VS Code bundles one; a workspace's own TypeScript may be older). */
export function supported(tsModule: Pick<typeof ts, 'versionMajorMinor'>): boolean {
  const [major] = tsModule.versionMajorMinor.split('.').map(Number);
  return major !== undefined && major >= 5;
}

/**
 * The server requires the plugin package and calls what it exports: the package's index.js is
 * `module.exports = require('<this bundle>').default` (see src/tsplugin/package/).
 */
export default init;
