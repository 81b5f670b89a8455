/** Model summary: the layer table and parameter totals, laid out like Keras's summary(). */
import { fill, h, heading } from './dom';
import { formatBytes, formatCount } from './format';
import type { ModelSummaryPayload } from '../src/protocol/mime';
import type { CreateView } from './view';

/** tfjs weights are float32 by default: 4 bytes a parameter (Keras prints the same estimate). */
const BYTES_PER_PARAM = 4;

function render(host: HTMLElement, model: ModelSummaryPayload): void {
  const table = h('table', { class: 'tfnb-summary', attrs: { 'aria-label': 'Layers' } });
  table.appendChild(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Layer (type)', 'Output shape', 'Param #', 'Trainable'].map((t) =>
          h('th', { class: t === 'Param #' ? 'tfnb-num' : undefined, attrs: { scope: 'col' }, text: t }),
        ),
      ),
    ),
  );
  const body = h('tbody');
  for (const layer of model.layers) {
    // A row without a class stands for layers the kernel left out ("… 12 more layers").
    const placeholder = layer.className === '';
    body.appendChild(
      h(
        'tr',
        { class: placeholder ? 'tfnb-placeholder' : layer.trainable ? undefined : 'tfnb-frozen' },
        h(
          'th',
          { attrs: { scope: 'row' } },
          layer.name,
          placeholder ? null : h('span', { class: 'tfnb-muted', text: ` (${layer.className})` }),
        ),
        h('td', { class: 'tfnb-mono', text: layer.outputShape }),
        h('td', { class: 'tfnb-num', text: formatCount(layer.params) }),
        h('td', { text: placeholder ? '' : layer.trainable ? 'yes' : 'no' }),
      ),
    );
  }
  if (model.layers.length === 0) body.appendChild(h('tr', {}, h('td', { attrs: { colspan: 4 }, class: 'tfnb-muted', text: 'No layers.' })));
  table.appendChild(body);

  const totals = h('dl', { class: 'tfnb-totals' });
  for (const [label, value, key] of [
    ['Total params', model.totalParams, 'total'],
    ['Trainable params', model.trainableParams, 'trainable'],
    ['Non-trainable params', model.nonTrainableParams, 'non-trainable'],
  ] as const) {
    totals.appendChild(
      h(
        'div',
        { attrs: { 'data-total': key } },
        h('dt', { text: `${label}:` }),
        h('dd', { text: `${formatCount(value)} (${formatBytes(value * BYTES_PER_PARAM)})` }),
      ),
    );
  }
  fill(
    host,
    heading(model.title, 'Model', model.name ? h('span', { class: 'tfnb-model-name', text: `"${model.name}"` }) : null),
    h('div', { class: 'tfnb-table-scroll' }, table),
    model.omittedLayers
      ? h('div', { class: 'tfnb-note', text: `${formatCount(model.omittedLayers)} layers are not listed; the totals include them.` })
      : null,
    totals,
  );
}

export const createModelSummaryView: CreateView<ModelSummaryPayload> = (host, initial) => {
  render(host, initial);
  return {
    update: (next) => render(host, next),
    refreshTheme() {},
    dispose: () => host.replaceChildren(),
  };
};
