// Safe element builders. Every value reaches the page as a text node or through an attribute setter checked here:
// no innerHTML, no inline handlers, no style attributes (the Content-Security-Policy forbids them anyway), and no
// attribute that loads, sends or embeds something (src, srcset, poster, data, ping, background, action, srcdoc).

const FORBIDDEN_ATTRIBUTE = /^(on|style$|srcdoc$|formaction$|action$|src$|srcset$|poster$|data$|ping$|background$|xlink:|xmlns)/i;

// Characters that change how text around them reads (bidi overrides and isolates), that cannot be seen (zero-width,
// joiners, variation selectors, tags, fillers), control characters, and lone surrogates. They are shown as escapes.
const INVISIBLE_IN_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB\uD800-\uDFFF]|[\u{E0000}-\u{E0FFF}]/gu;
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB\uD800-\uDFFF]|[\u{E0000}-\u{E0FFF}]/gu;

/** The escape shown for one invisible character: \u202e, or \u{e0041} beyond the BMP. */
function escapeOf(ch) {
  const cp = ch.codePointAt(0);
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** The text with every invisible, bidi or control character replaced by its escape (for attributes and titles). */
export function visibleText(value) {
  return String(value ?? '').replace(INVISIBLE, escapeOf);
}

/**
 * The text as nodes, each invisible, bidi or control character shown as a marked escape
 * (<span class="esc">\u202e</span>), so a payload cannot reorder or hide what is around it. With keepLines, line feeds
 * and tabs stay as they are (for multi-line text in a <pre>).
 */
export function visible(value, keepLines = false) {
  const text = String(value ?? '');
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(keepLines ? INVISIBLE_IN_LINES : INVISIBLE)) {
    if (match.index > last) {
      fragment.append(document.createTextNode(text.slice(last, match.index)));
    }
    const mark = document.createElement('span');
    mark.className = 'esc';
    mark.title = 'invisible or control character U+' + match[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
    mark.textContent = escapeOf(match[0]);
    fragment.append(mark);
    last = match.index + match[0].length;
  }
  if (last < text.length) {
    fragment.append(document.createTextNode(text.slice(last)));
  }
  return fragment;
}

/** A same-origin link target: a hash route or a path on this server; anything else (javascript:, data:, ...) is refused. */
export function safeHref(href) {
  const value = String(href);
  // Not //host nor /\host, which browsers read as another host.
  if (value.startsWith('#') || /^\/(?![\/\\])/.test(value)) {
    return value;
  }
  throw new Error('refused link target ' + visibleText(value));
}

function setAttribute(node, name, value) {
  if (value === undefined || value === null || value === false) {
    return;
  }
  if (FORBIDDEN_ATTRIBUTE.test(name)) {
    throw new Error('refused attribute ' + name);
  }
  if (name === 'class') {
    node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
  } else if (name === 'text') {
    node.append(visible(value));
  } else if (name === 'href') {
    node.setAttribute('href', safeHref(value));
  } else if (name === 'title' || name === 'aria-label' || name === 'placeholder') {
    node.setAttribute(name, visibleText(value));
  } else if (name === 'value' || name === 'checked' || name === 'disabled' || name === 'selected') {
    node[name] = value === true ? true : value;
  } else if (value === true) {
    node.setAttribute(name, '');
  } else {
    node.setAttribute(name, String(value));
  }
}

function appendChild(node, child) {
  if (child === undefined || child === null || child === false) {
    return;
  }
  if (Array.isArray(child)) {
    child.forEach(c => appendChild(node, c));
  } else if (child instanceof Node) {
    node.append(child);
  } else {
    node.append(visible(child));
  }
}

/**
 * An element: el('a', {href: '#/events', class: 'x', 'data-test': 'y'}, 'text', otherNode, [more]).
 * Strings become text (with invisible characters shown as escapes); attributes go through setAttribute checks.
 */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  if (attributes && !(attributes instanceof Node) && typeof attributes === 'object' && !Array.isArray(attributes)) {
    for (const [name, value] of Object.entries(attributes)) {
      setAttribute(node, name, value);
    }
  } else {
    appendChild(node, attributes);
  }
  children.forEach(c => appendChild(node, c));
  return node;
}

/** A <pre><code> block of multi-line text: line feeds and tabs kept, other invisible characters marked. */
export function codeBlock(text, attributes = {}) {
  return el('pre', attributes, el('code', null, visible(text, true)));
}

/** Removes every child of node, then appends the given children. */
export function replace(node, ...children) {
  node.replaceChildren();
  children.forEach(c => appendChild(node, c));
  return node;
}

/** A link to a route of the console, each part of the path encoded: link(['events', id], text). */
export function routeLink(parts, text, attributes = {}) {
  return el('a', { ...attributes, href: route(parts) }, text);
}

/** The hash of a route: route(['events', id], {workflow: 'x'}) is #/events/<id>?workflow=x. */
export function route(parts, query) {
  let hash = '#/' + parts.map(p => encodeURIComponent(String(p))).join('/');
  if (query) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        search.set(key, value);
      }
    }
    const text = search.toString();
    if (text) {
      hash += '?' + text;
    }
  }
  return hash;
}

/** A labelled control: a wrapper with a label bound to the control by id. */
export function field(labelText, control, hint) {
  if (!control.id) {
    throw new Error('a field needs a control with an id');
  }
  return el('div', { class: 'field' },
    el('label', { for: control.id }, labelText),
    control,
    hint ? el('span', { class: 'hint', id: control.id + '-hint' }, hint) : null);
}

/** A table: columns [{label, cell: row => node|text, class}], rows. */
export function table(columns, rows, attributes = {}) {
  const head = el('thead', null, el('tr', null, columns.map(c => el('th', { scope: 'col', class: c.class }, c.label))));
  const body = el('tbody');
  rows.forEach(row => body.append(tableRow(columns, row)));
  return el('table', attributes, head, body);
}

/** One row of a {@link table}. */
export function tableRow(columns, row) {
  return el('tr', null, columns.map(c => el('td', { class: c.class }, c.cell(row))));
}

/** A message block: kind is 'error', 'note' or 'ok'. Errors are announced to screen readers. */
export function message(kind, ...children) {
  return el('div', { class: ['msg', 'msg-' + kind], role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** A heading and its section. */
export function section(title, attributes, ...children) {
  return el('section', attributes, el('h2', null, title), ...children);
}

/** A definition list from [term, value] pairs (value may be a node). */
export function facts(pairs, attributes = {}) {
  const list = el('dl', { class: 'facts', ...attributes });
  pairs.filter(p => p).forEach(([term, value]) => list.append(el('dt', null, term), el('dd', null, value ?? '—')));
  return list;
}

/** A badge for an outcome or status (class from the value, text always shown: colour is never the only signal). */
export function badge(value) {
  const text = String(value ?? '—');
  const kind = /^(up|dispatched|published|publish|reloaded|unchanged|writing|valid)$/i.test(text) ? 'good'
    : /^(down|dead_lettered|failed|invalid|missing|unavailable|now_failing|removed)$/i.test(text) ? 'bad'
      : /^(skipped|behind|unknown|now_skipped)$/i.test(text) ? 'warn' : 'plain';
  return el('span', { class: ['badge', 'badge-' + kind] }, text);
}

/** A unique id for controls built at run time. */
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Copies text to the clipboard; resolves true when it worked. Falls back to a selected textarea outside secure contexts. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (e) {
    // fall through to the selection fallback
  }
  const area = el('textarea', { class: 'offscreen', 'aria-hidden': 'true', tabindex: '-1' });
  area.value = text;
  document.body.append(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand('copy');
  } catch (e) {
    done = false;
  }
  area.remove();
  return done;
}

/** A button that copies what text() returns, saying so for a moment. */
export function copyButton(label, text, attributes = {}) {
  const button = el('button', { type: 'button', class: 'secondary', ...attributes }, label);
  const status = el('span', { class: 'copy-status', role: 'status' });
  button.addEventListener('click', async () => {
    const ok = await copyText(text());
    status.textContent = ok ? 'Copied.' : 'Copy failed: select the text and copy it yourself.';
    setTimeout(() => { status.textContent = ''; }, 3000);
  });
  return el('span', { class: 'copy' }, button, status);
}

/**
 * A confirmation dialog (a modal <dialog>, keyboard reachable, Escape cancels). Resolves true on confirm.
 * confirmTest is the data-test of the confirm button (e.g. "confirm-replay").
 */
export function confirmDialog({ title, body, confirmLabel, confirmTest = 'confirm-action' }) {
  return new Promise(resolve => {
    const opener = document.activeElement;
    const titleId = uid('dialog-title');
    const confirm = el('button', { type: 'button', class: 'danger', 'data-test': confirmTest }, confirmLabel);
    const cancel = el('button', { type: 'button', class: 'secondary', 'data-test': 'confirm-cancel' }, 'Cancel');
    const dialog = el('dialog', { 'aria-labelledby': titleId, 'data-test': 'confirm-dialog' },
      el('h2', { id: titleId }, title),
      el('div', { class: 'dialog-body' }, body),
      el('div', { class: 'actions' }, confirm, cancel));
    let answered = false;
    const finish = value => {
      if (answered) {
        return;
      }
      answered = true;
      dialog.close();
      dialog.remove();
      if (opener && typeof opener.focus === 'function' && document.contains(opener)) {
        opener.focus();
      }
      resolve(value);
    };
    confirm.addEventListener('click', () => finish(true));
    cancel.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', event => { event.preventDefault(); finish(false); });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** Calls fn at most once per wait ms after the last call. */
export function debounce(fn, wait) {
  let timer = null;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/**
 * A time given as RFC 3339, or relative to now as 15m, 2h, 7d (minutes, hours, days ago): the RFC 3339 text the API
 * takes, or null for an empty value. Throws for anything else.
 */
export function timeParameter(value) {
  const text = String(value ?? '').trim();
  if (!text) {
    return null;
  }
  const relative = /^(\d+)\s*([smhd])$/i.exec(text);
  if (relative) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[relative[2].toLowerCase()];
    return new Date(Date.now() - Number(relative[1]) * unit * 1000).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    return text;
  }
  throw new Error(`"${visibleText(text)}" is not a time: give RFC 3339 (2026-12-04T10:00:00Z) or 15m, 2h, 7d ago.`);
}

/** A short "how long ago" for an ISO time. */
export function ago(iso) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return '';
  }
  const seconds = Math.round((Date.now() - then) / 1000);
  if (seconds < 0) {
    return 'in the future';
  }
  if (seconds < 90) {
    return `${seconds} s ago`;
  }
  if (seconds < 5400) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  if (seconds < 172800) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  return `${Math.round(seconds / 86400)} days ago`;
}

/** An ISO time as a <time> element, with how long ago in its title. */
export function time(iso) {
  if (!iso) {
    return '—';
  }
  return el('time', { datetime: visibleText(iso), title: ago(iso) }, iso);
}
