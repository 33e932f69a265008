// JSON shown as a collapsible tree (every key and value as text, invisible characters as escapes), with buttons to
// expand, collapse and copy it.

import { el, copyButton, uid, visible } from './dom.js';
import { isRawNumber } from './api.js';

const OPEN_DEPTH = 3;
const MANY = 50;

/** The value as JSON text, indented; numbers kept by parseExact are written as they came. */
export function pretty(value) {
  return JSON.stringify(value, null, 2);
}

function leaf(value) {
  if (isRawNumber(value)) {
    return el('span', { class: 'j-num' }, value.rawJSON);
  }
  if (value === null) {
    return el('span', { class: 'j-null' }, 'null');
  }
  switch (typeof value) {
    case 'string':
      // JSON.stringify escapes quotes, backslashes and C0 controls; el() escapes the remaining invisible characters.
      return el('span', { class: 'j-str' }, JSON.stringify(value));
    case 'number':
      return el('span', { class: 'j-num' }, String(value));
    case 'boolean':
      return el('span', { class: 'j-bool' }, String(value));
    default:
      return el('span', null, String(value));
  }
}

/** The value's node; label (the key and its colon, or nothing at the root) leads it, inside the summary when open. */
function node(value, depth, label) {
  const isArray = Array.isArray(value);
  if (value === null || typeof value !== 'object' || isRawNumber(value)) {
    return [label, leaf(value)];
  }
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  if (entries.length === 0) {
    return [label, el('span', { class: 'j-punct' }, isArray ? '[]' : '{}')];
  }
  const summary = isArray ? `[ ${entries.length} item${entries.length === 1 ? '' : 's'} ]`
    : `{ ${entries.length} key${entries.length === 1 ? '' : 's'} }`;
  const list = el('ul', { class: 'j-list' });
  for (const [key, child] of entries) {
    const childLabel = [isArray ? el('span', { class: 'j-index' }, String(key))
      : el('span', { class: 'j-key' }, JSON.stringify(key)), el('span', { class: 'j-punct' }, ': ')];
    list.append(el('li', null, node(child, depth + 1, childLabel)));
  }
  const details = el('details', { class: 'j-node' }, el('summary', null, label, el('span', { class: 'j-count' }, summary)),
    list);
  details.open = depth < OPEN_DEPTH && entries.length <= MANY;
  return details;
}

/** A tree of the value, in a block with Expand all / Collapse all / Copy JSON (copyTest is the copy button's data-test). */
export function jsonView(value, { label = 'JSON', copyTest, raw } = {}) {
  const tree = el('div', { class: 'j-tree', id: uid('json') }, node(value, 0, null));
  const setAll = open => tree.querySelectorAll('details').forEach(d => { d.open = open; });
  const expand = el('button', { type: 'button', class: 'secondary small', 'aria-controls': tree.id }, 'Expand all');
  const collapse = el('button', { type: 'button', class: 'secondary small', 'aria-controls': tree.id }, 'Collapse all');
  expand.addEventListener('click', () => setAll(true));
  collapse.addEventListener('click', () => setAll(false));
  const text = raw !== undefined ? raw : pretty(value);
  const asText = el('pre', { class: 'j-text', hidden: true });
  const toggle = el('button', { type: 'button', class: 'secondary small', 'aria-pressed': 'false' }, 'As text');
  toggle.addEventListener('click', () => {
    const showText = asText.hidden;
    if (showText && !asText.firstChild) {
      // JSON text: its strings are JSON-escaped already; visible() marks the remaining invisible characters.
      asText.append(el('code', null, visible(text, true)));
    }
    asText.hidden = !showText;
    tree.hidden = showText;
    toggle.setAttribute('aria-pressed', String(showText));
  });
  return el('div', { class: 'json-view', role: 'group', 'aria-label': label },
    el('div', { class: 'toolbar' }, expand, collapse, toggle,
      copyButton('Copy JSON', () => text, { class: 'secondary small', 'data-test': copyTest })),
    tree, asText);
}
