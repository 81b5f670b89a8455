/** How the variables view words a summary: the line beside a name, its tooltip, its icon. */
import type { VariableKind, VariableSummary } from '../protocol/messages';
import { formatBytes } from '../shared/formatBytes';

/** Codicon per kind (https://code.visualstudio.com/api/references/icons-in-labels). */
const ICONS: Record<VariableKind, string> = {
  tensor: 'symbol-array',
  variable: 'symbol-variable',
  model: 'layers',
  dataset: 'database',
  number: 'symbol-number',
  string: 'symbol-string',
  boolean: 'symbol-boolean',
  array: 'symbol-array',
  object: 'symbol-object',
  function: 'symbol-method',
  undefined: 'circle-slash',
  null: 'circle-slash',
};

export function variableIcon(v: VariableSummary): string {
  return ICONS[v.kind] ?? 'symbol-misc';
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** E.g. `float32 [3,4] · 48 B`, `Sequential · 26 params · 104 B`, `42`. */
export function variableDescription(v: VariableSummary): string {
  const parts: string[] = [];
  switch (v.kind) {
    case 'tensor':
    case 'variable':
      parts.push(`${v.dtype ?? ''} ${formatShape(v.shape ?? [])}`.trim());
      if (v.disposed) parts.push('disposed');
      else if (v.bytes !== undefined) parts.push(formatBytes(v.bytes));
      if (v.kind === 'variable') parts.push('tf.Variable');
      break;
    case 'model':
      parts.push(v.type);
      if (v.params !== undefined) parts.push(`${v.params.toLocaleString('en-US')} params`);
      if (v.bytes !== undefined) parts.push(formatBytes(v.bytes));
      break;
    case 'array':
      parts.push(`${v.type} ${formatShape(v.shape ?? [])}`);
      if (v.bytes !== undefined) parts.push(formatBytes(v.bytes));
      break;
    case 'object':
      parts.push(v.type);
      if (v.preview) parts.push(v.preview);
      break;
    case 'dataset':
      parts.push(v.type);
      if (v.preview) parts.push(v.preview);
      break;
    default:
      parts.push(v.preview ?? v.type);
  }
  return parts.join(' · ');
}

/** Markdown lines for the tooltip: every field the summary has. */
export function variableTooltip(v: VariableSummary): string {
  const rows: Array<[string, string]> = [
    ['kind', v.kind],
    ['type', v.type],
  ];
  if (v.shape) rows.push(['shape', formatShape(v.shape)]);
  if (v.dtype) rows.push(['dtype', v.dtype]);
  if (v.bytes !== undefined) rows.push(['memory', formatBytes(v.bytes)]);
  if (v.params !== undefined) rows.push(['parameters', v.params.toLocaleString('en-US')]);
  if (v.preview) rows.push(['value', v.preview]);
  const escape = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  return [`**${escape(v.name)}**`, '', ...rows.map(([k, val]) => `${k}: \`${val.replace(/`/g, "'")}\`  `), '', 'Click to show it.'].join(
    '\n',
  );
}
