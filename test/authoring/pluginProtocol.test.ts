import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellKeyOfServerFile, cellKeyOfUri, isPluginConfig } from '../../src/authoring/pluginProtocol';

describe('plugin protocol', () => {
  it('the extension and the server name a cell by the same key', () => {
    const uri = { path: '/home/me/ml/mnist.ipynb', fragment: 'W2sZmlsZQ==' };
    const key = cellKeyOfUri(uri);
    assert.equal(key, '/home/me/ml/mnist.ipynb#W2sZmlsZQ==');
    // As VS Code's TypeScript extension names the cell in the server, whatever the authority.
    assert.equal(cellKeyOfServerFile(`^/vscode-notebook-cell/ts-nul-authority${uri.path}#${uri.fragment}`), key);
    assert.equal(cellKeyOfServerFile(`^/vscode-notebook-cell/some-host${uri.path}#${uri.fragment}`), key);
    // The compiler's absolute form of the same name.
    assert.equal(cellKeyOfServerFile(`/work/^/vscode-notebook-cell/ts-nul-authority${uri.path}#${uri.fragment}`), key);
  });

  it('untitled notebooks and Windows paths', () => {
    assert.equal(cellKeyOfUri({ path: 'Untitled-1.ipynb', fragment: 'W0sdW50aXRsZWQ=' }), '/Untitled-1.ipynb#W0sdW50aXRsZWQ=');
    assert.equal(
      cellKeyOfServerFile('^/vscode-notebook-cell/ts-nul-authority/Untitled-1.ipynb#W0sdW50aXRsZWQ='),
      '/Untitled-1.ipynb#W0sdW50aXRsZWQ=',
    );
    assert.equal(cellKeyOfServerFile('^/vscode-notebook-cell/ts-nul-authority/c:/Users/me/nb.ipynb#W0s'), '/c:/Users/me/nb.ipynb#W0s');
  });

  it('other files are not cells', () => {
    assert.equal(cellKeyOfServerFile('/home/me/ml/train.ts'), undefined);
    assert.equal(cellKeyOfServerFile('^/untitled/ts-nul-authority/Untitled-1'), undefined);
    assert.equal(cellKeyOfServerFile('/x^/vscode-notebook-cell/a/b.ipynb#W0'), undefined);
  });

  it('accepts only well-formed configurations', () => {
    assert.equal(
      isPluginConfig({ typesDir: '/t', notebooks: [{ dir: '/d', cells: [{ key: '/d/n.ipynb#W0', language: 'typescript' }] }] }),
      true,
    );
    assert.equal(
      isPluginConfig({ typesDir: '/t', notebooks: [{ dir: '/d', cells: [{ key: '/d/n.ipynb#W0', language: 'python' }] }] }),
      false,
    );
    assert.equal(isPluginConfig({ typesDir: '/t', notebooks: [{ dir: '/d', cells: [], nativeBackends: false }] }), true);
    assert.equal(isPluginConfig({ typesDir: '/t', notebooks: [{ dir: '/d', cells: [], nativeBackends: 'no' }] }), false);
    assert.equal(isPluginConfig({ notebooks: [] }), false);
    assert.equal(isPluginConfig(null), false);
  });
});
