/**
 * The Compare Runs webview's script (dist/renderers/compare.js): reads the runs the extension
 * put in the page (a JSON script element), draws them with renderers/compare.ts, and redraws
 * when the extension posts new runs or the theme changes.
 */
import uplotStyles from 'uplot/dist/uPlot.min.css';
import { createCompareView, type ComparePayload } from './compare';
import { errorBox } from './errorBox';
import styles from './styles.css';
import { watchTheme } from './theme';

const DATA_ELEMENT_ID = 'tfnb-compare-data';
const ROOT_ELEMENT_ID = 'tfnb-compare';

function start(): void {
  const style = document.createElement('style');
  style.textContent = `${uplotStyles}\n${styles}`;
  document.head.appendChild(style);
  const root = document.getElementById(ROOT_ELEMENT_ID) ?? document.body.appendChild(document.createElement('div'));
  try {
    const payload = JSON.parse(document.getElementById(DATA_ELEMENT_ID)?.textContent ?? '{"runs":[]}') as ComparePayload;
    const view = createCompareView(root, payload);
    watchTheme(() => view.refreshTheme());
    window.addEventListener('message', (event: MessageEvent<{ type?: string; payload?: ComparePayload }>) => {
      if (event.data?.type === 'runs' && event.data.payload) view.update(event.data.payload);
    });
  } catch (error) {
    root.replaceChildren(errorBox('tfnb runs', error));
  }
}

start();
