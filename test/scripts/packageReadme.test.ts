import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain .mjs build script without types
import { withoutImages } from '../../scripts/packageReadme.mjs';

const strip = withoutImages as (text: string) => string;
const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

describe("the .vsix's README (scripts/packageReadme.mjs)", () => {
  it('is the README without its screenshots, every other line kept', () => {
    const images = README.split('\n').filter((l) => /^\s*!\[[^\]]*\]\([^)]*\)\s*$/.test(l));
    assert.ok(images.length >= 3, `the README shows the variables view, Compare Runs and a report: ${images.length}`);
    const packaged = strip(README);
    assert.doesNotMatch(packaged, /!\[/);
    assert.deepEqual(
      packaged.split('\n'),
      README.split('\n').filter((l) => !images.includes(l)),
    );
  });

  it('removes only lines that are an image alone; an image inside a line of text stays (vsce then refuses it, visibly)', () => {
    const text = 'a line with ![x](y.png) inside\n![alone](z.png)\nlast line\n';
    assert.equal(strip(text), 'a line with ![x](y.png) inside\nlast line\n');
  });
});
