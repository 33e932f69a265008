// #/workflows: the workflows in use (GET /workflows). #/workflows/<id>: one workflow's definition as loaded
// (GET /workflows/{id}), the revisions the journal keeps (GET /workflows/revisions) and a line diff between any two
// (GET /workflows/revisions/{revision}). #/playground without an id: pick the workflow to draft.

import { el, replace, section, table, badge, facts, time, routeLink, route, field, message } from './dom.js';
import { get, path, errorBlock, isAbort, parseExact, ApiError } from './api.js';
import { jsonView, pretty } from './json-view.js';
import { diffView } from './diff.js';

function reloadFacts(listing) {
  const last = listing.last_reload;
  const parts = [facts([
    ['File', listing.source || '—'],
    ['Revision in use', el('code', { 'data-test': 'revision' }, listing.revision || '—')],
    ['Loaded', time(listing.loaded_at)],
    ['Last reload', last ? el('span', null, badge(last.outcome), ' ', time(last.at)) : 'none since start'],
  ])];
  if (last && Array.isArray(last.problems) && last.problems.length) {
    parts.push(el('div', { class: ['msg', 'msg-error'], 'data-test': 'reload-problems' },
      el('p', null, 'The last reload was refused; the revision above is still in use. Its problems:'),
      el('ul', { class: 'problems' }, last.problems.map(p => el('li', null, p)))));
  }
  return parts;
}

export function mountList(main, params, ctx) {
  ctx.title('Workflows');
  const body = el('div', { 'data-test': 'workflows' }, el('p', { class: 'loading' }, 'Loading…'));
  main.append(el('h1', null, 'Workflows'), body);
  get('/workflows', null, { signal: ctx.signal }).then(listing => {
    if (!ctx.active) {
      return;
    }
    replace(body, reloadFacts(listing), table([
      { label: 'Workflow', cell: w => routeLink(['workflows', w.id], w.id, { 'data-test': 'workflow-link' }) },
      { label: 'Description', cell: w => w.description || '' },
      { label: 'Actions', class: 'num', cell: w => String(w.actions) },
      { label: 'Events', cell: w => el('a', { href: route(['events'], { workflow: w.id }) }, 'events') },
      { label: 'Playground', cell: w => routeLink(['playground', w.id], 'draft a change',
        { 'data-test': 'workflow-playground', 'data-workflow': w.id }) },
    ], listing.workflows || [], { 'data-test': 'workflows-table' }),
    el('p', { class: 'hint' }, 'The console never writes the workflows file: change it in version control, then reload.'));
  }).catch(error => {
    if (!isAbort(error)) {
      replace(body, errorBlock(error, 'The workflows could not be read'));
    }
  });
}

export function mountPick(main, params, ctx) {
  ctx.title('Playground');
  const list = el('div', null, el('p', { class: 'loading' }, 'Loading…'));
  const idInput = el('input', { id: 'new-workflow-id', type: 'text', autocomplete: 'off', spellcheck: 'false',
    'data-test': 'new-workflow-id' });
  const form = el('form', { class: 'inline-form', 'aria-label': 'Draft a new workflow' },
    field('Or a new workflow id', idInput), el('button', { type: 'submit', 'data-test': 'new-workflow-button' }, 'Draft it'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const id = idInput.value.trim();
    if (id) {
      location.hash = route(['playground', id]);
    }
  });
  main.append(el('h1', null, 'Playground'),
    el('p', null, 'Draft a change to a workflow, try it on a payload and on stored events. Choose the workflow:'),
    list, form);
  get('/workflows', null, { signal: ctx.signal }).then(listing => {
    if (ctx.active) {
      replace(list, el('ul', { class: 'link-list', 'data-test': 'playground-workflows' }, (listing.workflows || []).map(w =>
        el('li', null, routeLink(['playground', w.id], w.id, { 'data-test': 'workflow-playground', 'data-workflow': w.id }),
          w.description ? ` — ${w.description}` : ''))));
    }
  }).catch(error => {
    if (!isAbort(error)) {
      replace(list, errorBlock(error, 'The workflows could not be read'));
    }
  });
}

/** A workflow's definition without the id GET /workflows/{id} adds. */
export function withoutId(definition) {
  const copy = { ...definition };
  delete copy.id;
  return copy;
}

export function mountOne(main, { parts }, ctx) {
  const id = parts.slice(1).join('/');
  ctx.title(`Workflow ${id}`);
  const definitionBox = el('div', { 'data-test': 'definition' }, el('p', { class: 'loading' }, 'Loading…'));
  const revisionsBox = el('div', { 'data-test': 'revisions' }, el('p', { class: 'loading' }, 'Loading…'));
  main.append(
    el('div', { class: 'page-head' }, el('h1', null, 'Workflow ', el('span', { class: 'mono' }, id)),
      el('div', { class: 'actions' },
        el('a', { class: 'button', href: route(['playground', id]), 'data-test': 'open-playground' }, 'Draft a change'),
        el('a', { class: 'button secondary', href: route(['events'], { workflow: id }) }, 'Its events'))),
    section('Definition as loaded', { class: 'card' }, definitionBox),
    section('Revisions and their differences', { class: 'card' }, revisionsBox));

  get(path('/workflows/', id), null, { signal: ctx.signal, exact: true }).then(definition => {
    if (ctx.active) {
      replace(definitionBox, jsonView(withoutId(definition), { label: 'definition', copyTest: 'copy-definition' }));
    }
  }).catch(error => {
    if (!isAbort(error)) {
      replace(definitionBox, errorBlock(error, 'The workflow could not be read'));
    }
  });

  Promise.all([get('/workflows/revisions', null, { signal: ctx.signal }),
    get('/workflows', null, { signal: ctx.signal }).catch(() => ({}))]).then(([answer, listing]) => {
    if (ctx.active) {
      showRevisions(revisionsBox, id, answer.revisions || [], listing.revision, ctx);
    }
  }).catch(error => {
    if (isAbort(error)) {
      return;
    }
    if (error instanceof ApiError && error.type === 'journal-off') {
      replace(revisionsBox, message('note', 'Revisions are kept by the event journal, which is off (WERKEN_JOURNAL=off).'));
    } else {
      replace(revisionsBox, errorBlock(error, 'The revisions could not be read'));
    }
  });
}

function showRevisions(box, workflowId, revisions, inUse, ctx) {
  if (revisions.length === 0) {
    replace(box, message('note', 'The journal keeps no revision yet.'));
    return;
  }
  const label = r => `${r.revision}  ${r.loaded_at}${r.revision === inUse ? '  (in use)' : ''}`;
  const from = el('select', { id: 'diff-from', class: 'revision', 'data-test': 'diff-from' }, revisions.map(r => el('option', { value: r.revision }, label(r))));
  const to = el('select', { id: 'diff-to', class: 'revision', 'data-test': 'diff-to' }, revisions.map(r => el('option', { value: r.revision }, label(r))));
  from.value = revisions[Math.min(1, revisions.length - 1)].revision;
  to.value = revisions[0].revision;
  const whole = el('input', { id: 'diff-whole-file', type: 'checkbox', 'data-test': 'diff-whole-file' });
  const button = el('button', { type: 'submit', 'data-test': 'diff-button' }, 'Show the difference');
  const output = el('div', { 'data-test': 'diff-output', 'aria-live': 'polite' });
  const form = el('form', { class: 'filters', 'aria-label': 'Compare two revisions' },
    el('div', { class: 'field-row' }, field('From (older)', from), field('To (newer)', to)),
    el('div', { class: 'actions' },
      el('span', { class: 'switch' }, whole, el('label', { for: whole.id }, 'the whole file, not only this workflow')),
      button));
  replace(box,
    table([
      { label: 'Revision', cell: r => el('code', null, r.revision) },
      { label: 'Loaded (UTC)', cell: r => time(r.loaded_at) },
      { label: '', cell: r => (r.revision === inUse ? badge('in use') : '') },
    ], revisions, { 'data-test': 'revisions-table', class: 'compact' }),
    form, output);

  const sources = new Map();
  const source = revision => {
    if (!sources.has(revision)) {
      sources.set(revision, get(path('/workflows/revisions/', revision), null, { signal: ctx.signal })
        .then(answer => answer.source)
        .catch(error => {
          sources.delete(revision);
          throw error;
        }));
    }
    return sources.get(revision);
  };
  const part = text => {
    // This workflow's part of a file, formatted alike in both revisions so that only real changes show.
    let file;
    try {
      file = parseExact(text);
    } catch (e) {
      return text;
    }
    return file && Object.prototype.hasOwnProperty.call(file, workflowId) ? pretty(file[workflowId]) + '\n' : '';
  };
  const compare = async () => {
    button.disabled = true;
    replace(output, el('p', null, 'Comparing…'));
    try {
      const [a, b] = await Promise.all([source(from.value), source(to.value)]);
      if (!ctx.active) {
        return;
      }
      const oldText = whole.checked ? a : part(a);
      const newText = whole.checked ? b : part(b);
      const notes = [];
      if (!whole.checked && !oldText) {
        notes.push(message('note', `Revision ${from.value} has no workflow "${workflowId}".`));
      }
      if (!whole.checked && !newText) {
        notes.push(message('note', `Revision ${to.value} has no workflow "${workflowId}".`));
      }
      replace(output, notes, diffView(oldText, newText, { oldLabel: from.value, newLabel: to.value }));
    } catch (error) {
      if (!isAbort(error)) {
        replace(output, errorBlock(error, 'A revision could not be read'));
      }
    } finally {
      button.disabled = false;
    }
  };
  form.addEventListener('submit', event => {
    event.preventDefault();
    compare();
  });
  if (revisions.length > 1) {
    compare();
  }
}
