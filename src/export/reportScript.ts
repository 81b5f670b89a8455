/**
 * The report page's script: follows the reader's colour scheme with VS Code's body classes (the
 * renderer redraws its canvases when they change), imports the inlined renderer from a blob: URL
 * (nothing is fetched) and calls its activate() with a small shim of VS Code's renderer API, then
 * draws each tfnb output into its slot. No postMessage: there is no kernel to stop a run.
 */
export const REPORT_SCRIPT = `
const scheme = matchMedia('(prefers-color-scheme: dark)');
const applyScheme = () => {
  document.body.classList.toggle('vscode-dark', scheme.matches);
  document.body.classList.toggle('vscode-light', !scheme.matches);
};
applyScheme();
scheme.addEventListener('change', applyScheme);
const read = (id) => JSON.parse(document.getElementById(id).textContent);
const payloads = read('tfnb-payloads');
const url = URL.createObjectURL(new Blob([read('tfnb-renderer')], { type: 'text/javascript' }));
try {
  const renderer = await import(url);
  const state = new Map();
  const api = await renderer.activate({
    workspace: { isTrusted: true },
    getState: () => state.get('state'),
    setState: (value) => state.set('state', value),
    getRenderer: async () => undefined,
  });
  for (const slot of document.querySelectorAll('[data-tfnb-output]')) {
    const index = Number(slot.dataset.tfnbOutput);
    const { mime, value } = payloads[index];
    const text = JSON.stringify(value);
    const bytes = new TextEncoder().encode(text);
    const item = {
      id: 'output-' + index,
      mime,
      metadata: {},
      text: () => text,
      json: () => value,
      data: () => bytes,
      blob: () => new Blob([bytes], { type: mime }),
    };
    try {
      await api.renderOutputItem(item, slot, new AbortController().signal);
      slot.dataset.drawn = 'true';
    } catch (error) {
      console.error('tfnb report: output ' + index + ' could not be drawn', error);
    }
  }
} finally {
  URL.revokeObjectURL(url);
  document.body.dataset.tfnbReady = 'true';
}
`;
