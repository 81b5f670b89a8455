/**
 * The plugin needs TypeScript 5.0 or newer (cells' imports resolve through the host's
 * resolveModuleNameLiterals); with an older workspace TypeScript it leaves every file alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { supported } from '../../src/tsplugin/index';

describe('TypeScript versions the plugin works with', () => {
  it('5.0 and newer, not 4.x', () => {
    for (const v of ['5.0', '5.4', '5.9', '6.0', '10.1'])
      assert.equal(supported({ versionMajorMinor: v } as Pick<typeof ts, 'versionMajorMinor'>), true, v);
    for (const v of ['4.9', '4.0', '3.9'])
      assert.equal(supported({ versionMajorMinor: v } as Pick<typeof ts, 'versionMajorMinor'>), false, v);
    assert.equal(supported(ts), true, `the TypeScript tfnb builds with (${ts.version})`);
  });
});
