// The package VS Code's TypeScript server loads by name from <extension>/node_modules/tfnb-tsplugin
// (contributes.typescriptServerPlugins). The plugin itself is the bundle dist/tsplugin.js: two
// folders up in the .vsix, three when this folder is linked from the repository (src/tsplugin/package).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = [join(__dirname, '../../dist/tsplugin.js'), join(__dirname, '../../../dist/tsplugin.js')].find((f) => existsSync(f));
if (!bundle) throw new Error('tfnb-tsplugin: dist/tsplugin.js is missing (npm run build)');
module.exports = require(bundle).default;
