// #/playground/<id>[?event=<event id>]: edit a draft of a workflow, checked as you type (POST /workflows/{id}/check,
// debounced) with each problem listed at its JSON Pointer and marked at its line; a payload pasted or taken from a
// stored event; the draft's dry run (POST /workflows/{id}/draft/dry-run); its impact on stored events
// (POST /workflows/{id}/impact). The console never writes workflows.json: Copy JSON hands the draft over.

import { el, replace, section, field, table, badge, time, routeLink, copyButton, debounce, message, timeParameter, codeBlock } from './dom.js';
import { get, post, path, errorBlock, isAbort, ApiError, parseExact } from './api.js';
import { jsonView, pretty } from './json-view.js';
import { locate, lineOf } from './json-source.js';
import { diffView } from './diff.js';
import { fetchEvent } from './event.js';
import { withoutId } from './workflows.js';

const CHECK_DELAY_MS = 400;
const TEMPLATE = '{\n  "description": "",\n  "actions": [\n    {"type": "example", "params": {}}\n  ]\n}\n';

function storageKey(id) {
  return 'werken.draft.' + id;
}

function remembered(id) {
  try {
    return sessionStorage.getItem(storageKey(id));
  } catch (e) {
    return null;
  }
}

function remember(id, text) {
  try {
    sessionStorage.setItem(storageKey(id), text);
  } catch (e) {
    // storage full or off: the draft just is not kept across pages
  }
}

function forget(id) {
  try {
    sessionStorage.removeItem(storageKey(id));
  } catch (e) {
    // nothing kept
  }
}

/** The editor: a line-number gutter (problem lines marked) beside a textarea that never wraps lines. */
function editor(id, labelText, testId, rows) {
  const area = el('textarea', { id, rows: String(rows), spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
    wrap: 'off', class: 'code', 'data-test': testId });
  const gutter = el('div', { class: 'gutter', 'aria-hidden': 'true', 'data-test': testId + '-gutter' });
  let marks = new Map();
  const paint = () => {
    const count = area.value.split('\n').length;
    const lines = [];
    for (let n = 1; n <= count; n++) {
      const problem = marks.get(n);
      lines.push(el('div', { class: problem ? 'gl bad' : 'gl', title: problem || undefined,
        'data-line': String(n) }, problem ? `! ${n}` : String(n)));
    }
    replace(gutter, lines);
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
  area.addEventListener('input', paint);
  paint();
  return {
    area,
    box: el('div', { class: 'field' }, el('label', { for: id }, labelText), el('div', { class: 'editor' }, gutter, area)),
    /** Marks lines: a Map of line number to the problems' text. */
    mark(lineMarks) {
      marks = lineMarks;
      paint();
    },
    set(text) {
      area.value = text;
      paint();
    },
    /** Puts the caret at the start of a line and shows it. */
    goTo(line) {
      const lines = area.value.split('\n');
      let offset = 0;
      for (let n = 1; n < line && n <= lines.length; n++) {
        offset += lines[n - 1].length + 1;
      }
      area.focus();
      area.setSelectionRange(offset, offset + (lines[line - 1] || '').length);
      const lineHeight = area.scrollHeight / Math.max(1, lines.length);
      area.scrollTop = Math.max(0, (line - 3) * lineHeight);
    },
  };
}

/** A JSON text from a textarea, checked: {text} or {error}. Empty gives fallback. */
function jsonText(value, what, fallback) {
  const text = value.trim() === '' ? fallback : value;
  if (text === undefined) {
    return { error: `Give ${what}.` };
  }
  const located = locate(text);
  if (located.error) {
    return { error: `${what} is not JSON: line ${located.error.line}, column ${located.error.column}: ${located.error.message}.` };
  }
  return { text };
}

// The dry run's verdict: what dispatch would do with the whole event.
function verdict(answer) {
  if (answer.outcome === 'dead_letter') {
    return el('div', { class: ['msg', 'msg-error'], role: 'status', 'data-test': 'dry-run-verdict' },
      'Dispatch would dead-letter this event (', el('code', null, answer.reason), ') and publish none of its actions: ',
      answer.detail ?? '');
  }
  if (answer.outcome === 'publish') {
    return el('div', { class: ['msg', 'msg-ok'], role: 'status', 'data-test': 'dry-run-verdict' },
      `Dispatch would publish ${answer.would_publish} action message${answer.would_publish === 1 ? '' : 's'}.`);
  }
  return null;
}

function actionsResult(answer) {
  const actions = Array.isArray(answer.actions) ? answer.actions : [];
  if (!actions.length) {
    return message('note', 'The draft has no action.');
  }
  return table([
    { label: '#', class: 'num', cell: a => String(a.index) },
    { label: 'Type', cell: a => el('code', null, a.type) },
    { label: 'Queue', cell: a => el('code', null, a.queue) },
    { label: 'Outcome', cell: a => badge(a.outcome) },
    { label: 'Params / reason', cell: a => [
      a.reason ? el('p', { class: 'reason' }, a.reason) : null,
      a.params !== undefined && a.params !== null ? jsonView(a.params, { label: `params of action ${a.index}` }) : null,
    ] },
  ], actions, { 'data-test': 'dry-run-table' });
}

function changeCell(change) {
  const head = el('p', null, badge(change.kind), ` action ${change.index}`,
    change.type ? [' ', el('code', null, change.type)] : '', change.queue ? [' → ', el('code', null, change.queue)] : '');
  const parts = [head];
  if (change.reason) {
    parts.push(el('p', { class: 'reason' }, change.reason));
  }
  if (change.before !== undefined || change.after !== undefined) {
    parts.push(el('div', { class: 'before-after' },
      el('div', null, el('span', { class: 'hint' }, 'before'),
        change.before === undefined ? ' —' : codeBlock(pretty(change.before), { class: 'small-json' })),
      el('div', null, el('span', { class: 'hint' }, 'after'),
        change.after === undefined ? ' —' : codeBlock(pretty(change.after), { class: 'small-json' }))));
  }
  return el('li', { 'data-test': 'impact-change', 'data-kind': change.kind }, parts);
}

function impactResult(answer) {
  const totals = answer.totals || {};
  const summary = el('p', { 'data-test': 'impact-summary' },
    `Compared ${answer.events_compared ?? 0} stored event${answer.events_compared === 1 ? '' : 's'}: `
    + `${answer.events_changed ?? 0} would change, ${answer.events_unchanged ?? 0} would not`
    + (answer.not_comparable ? `, ${answer.not_comparable} not comparable (kept as metadata)` : '') + '.'
    + (answer.stopped_at_max ? ' It stopped at max: more events match.' : ''));
  const totalsList = el('ul', { class: 'totals', 'data-test': 'impact-totals' },
    ['added', 'removed', 'now_skipped', 'now_failing', 'params_changed', 'type_changed', 'queue_changed']
      .map(kind => el('li', { 'data-kind': kind }, el('span', { class: 'detail-key' }, kind.replace('_', ' ')), ': ',
        String(totals[kind] ?? 0))));
  const events = Array.isArray(answer.events) ? answer.events : [];
  const list = events.length ? table([
    { label: 'Event', cell: e => routeLink(['events', e.event_id], String(e.event_id).slice(0, 8) + '…',
      { class: 'mono', title: e.event_id, 'data-test': 'impact-event-link' }) },
    { label: 'Received (UTC)', cell: e => time(e.received_at) },
    { label: 'Outcome', cell: e => (e.outcome_before === e.outcome_after ? badge(e.outcome_after)
      : el('span', null, badge(e.outcome_before), ' → ', badge(e.outcome_after))) },
    { label: 'What would change', cell: e => el('ul', { class: 'changes' }, (e.changes || []).map(changeCell)) },
  ], events, { 'data-test': 'impact-table' }) : message('note', 'No stored event would change.');
  return [summary, totalsList, list];
}

export function mount(main, { parts, query }, ctx) {
  const id = parts.slice(1).join('/');
  ctx.title(`Playground: ${id}`);

  const draft = editor('draft-editor', `Draft of "${id}" (its value in workflows.json)`, 'draft-editor', 24);
  const status = el('p', { class: 'draft-status', role: 'status', 'data-test': 'draft-status' }, 'Loading the workflow…');
  const problems = el('ul', { class: 'problems draft-problems', 'data-test': 'draft-problems' });
  const format = el('button', { type: 'button', class: 'secondary', 'data-test': 'format-draft' }, 'Format');
  const reset = el('button', { type: 'button', class: 'secondary', 'data-test': 'reset-draft' }, 'Reset to the loaded one');
  const showDiff = el('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', 'data-test': 'draft-diff-button' },
    'Changes against the loaded one');
  const diffBox = el('div', { 'data-test': 'draft-diff', hidden: true });
  const note = el('div');

  const payload = editor('payload-editor', 'Payload (JSON, as the sender would post it)', 'payload-editor', 12);
  const headers = el('textarea', { id: 'headers-editor', rows: '3', spellcheck: 'false', class: 'code', wrap: 'off',
    'data-test': 'headers-editor', 'aria-describedby': 'headers-editor-hint' });
  headers.value = '{}';
  const eventId = el('input', { id: 'payload-event-id', type: 'text', autocomplete: 'off', spellcheck: 'false',
    class: 'mono', 'data-test': 'payload-event-id', placeholder: 'event id' });
  const take = el('button', { type: 'submit', class: 'secondary', 'data-test': 'payload-event-button' }, 'Take its payload');
  const takeStatus = el('div', { role: 'status', 'data-test': 'payload-event-status' });
  const takeForm = el('form', { class: 'inline-form', 'aria-label': 'Take the payload of a stored event' },
    field('Or take it from a stored event', eventId), take);
  const dryRun = el('button', { type: 'button', 'data-test': 'dry-run-button' }, 'Dry run');
  const dryRunResult = el('div', { 'data-test': 'dry-run-result', 'aria-live': 'polite' });

  const since = el('input', { id: 'impact-since', type: 'text', value: '24h', autocomplete: 'off', spellcheck: 'false',
    'data-test': 'impact-since', 'aria-describedby': 'impact-since-hint' });
  const until = el('input', { id: 'impact-until', type: 'text', autocomplete: 'off', spellcheck: 'false',
    'data-test': 'impact-until' });
  const max = el('input', { id: 'impact-max', type: 'number', min: '1', max: '100000', step: '1', value: '1000',
    inputmode: 'numeric', 'data-test': 'impact-max' });
  const impact = el('button', { type: 'submit', 'data-test': 'impact-button' }, 'Run the impact');
  const impactOut = el('div', { 'data-test': 'impact-result', 'aria-live': 'polite' });
  const impactForm = el('form', { class: 'filters', 'aria-label': 'Impact on stored events' },
    el('div', { class: 'field-row' },
      field('Stored events since', since, '1h, 7d, or RFC 3339 such as 2026-12-04T10:00:00Z'),
      field('Until (optional)', until),
      field('At most', max)),
    el('div', { class: 'actions' }, impact));

  main.append(
    el('div', { class: 'page-head' },
      el('h1', null, 'Playground: ', el('span', { class: 'mono' }, id)),
      el('div', { class: 'actions' }, routeLink(['workflows', id], 'The workflow as loaded'))),
    note,
    el('div', { class: 'two-columns playground' },
      section('Draft', { class: 'card' },
        el('div', { class: 'toolbar' }, format, reset, showDiff,
          copyButton('Copy JSON', () => draft.area.value, { 'data-test': 'copy-json' })),
        draft.box, status, problems,
        el('p', { class: 'hint' }, `The console never writes workflows.json: copy the draft and put it there as the value of "${id}", `
          + 'in version control; Werken reloads the file when it changes.'),
        diffBox),
      section('Payload and dry run', { class: 'card' },
        payload.box,
        field('Headers the workflow reads (JSON object of names to values)', headers,
          'Only the headers the workflow declares reach it, as at ingest.'),
        takeForm, takeStatus,
        el('div', { class: 'actions' }, dryRun),
        dryRunResult)),
    section('Impact on stored events', { class: 'card' },
      el('p', null, 'Runs the draft against the events the journal holds for this workflow and lists the actions that '
        + 'would change. Publishes nothing.'),
      impactForm, impactOut));

  let loadedText = '';
  let checkSeq = 0;
  let checkController = null;
  ctx.onLeave(() => checkController && checkController.abort());

  const showProblems = (list, located) => {
    const marks = new Map();
    const items = list.map(p => {
      const line = p.line ?? (located ? lineOf(located, p.pointer) : null);
      if (line) {
        marks.set(line, marks.has(line) ? `${marks.get(line)}; ${p.message}` : p.message);
      }
      const button = el('button', { type: 'button', class: 'link', 'data-test': 'draft-problem',
        'data-line': line ? String(line) : undefined, 'data-pointer': p.pointer ?? undefined },
      line ? `line ${line}` : 'draft', p.pointer !== null && p.pointer !== undefined
        ? [' · ', el('code', null, p.pointer === '' ? '(the whole draft)' : p.pointer)] : '', ': ', p.message);
      if (line) {
        button.addEventListener('click', () => draft.goTo(line));
      }
      return el('li', null, button);
    });
    replace(problems, items);
    draft.mark(marks);
  };

  const check = async () => {
    const text = draft.area.value;
    remember(id, text);
    const located = locate(text);
    checkSeq += 1;
    const seq = checkSeq;
    if (checkController) {
      checkController.abort();
    }
    if (located.error) {
      status.replaceChildren(badge('invalid'), ` Not JSON: line ${located.error.line}, column ${located.error.column}.`);
      showProblems([{ line: located.error.line, pointer: null, message: located.error.message }], null);
      return;
    }
    status.textContent = 'Checking…';
    checkController = new AbortController();
    const signal = checkController.signal;
    try {
      const answer = await post(path('/workflows/', id, '/check'), text, undefined, { signal });
      if (seq !== checkSeq || !ctx.active) {
        return;
      }
      const list = Array.isArray(answer.problems) ? answer.problems : [];
      status.replaceChildren(badge(answer.valid ? 'valid' : 'invalid'), answer.valid ? ' The draft is valid.'
        : ` ${list.length} problem${list.length === 1 ? '' : 's'}.`);
      showProblems(list, located);
    } catch (error) {
      if (isAbort(error) || seq !== checkSeq || !ctx.active) {
        return;
      }
      if (error instanceof ApiError && error.errors.length) {
        status.replaceChildren(badge('invalid'), ` ${error.errors.length} problem${error.errors.length === 1 ? '' : 's'}.`);
        showProblems(error.errors, located);
      } else {
        status.textContent = 'The check failed: ' + error.message;
        showProblems([], located);
      }
    }
  };
  const checkSoon = debounce(check, CHECK_DELAY_MS);
  ctx.onLeave(() => checkSoon.cancel());
  draft.area.addEventListener('input', () => {
    checkSoon();
    if (!diffBox.hidden) {
      replace(diffBox, diffView(loadedText, draft.area.value, { oldLabel: 'loaded', newLabel: 'draft' }));
    }
  });

  format.addEventListener('click', () => {
    const text = draft.area.value;
    if (locate(text).error) {
      check();
      return;
    }
    // parseExact keeps every number's digits.
    draft.set(pretty(parseExact(text)) + '\n');
    check();
  });
  reset.addEventListener('click', () => {
    draft.set(loadedText);
    forget(id);
    replace(note);
    check();
  });
  showDiff.addEventListener('click', () => {
    const open = diffBox.hidden;
    diffBox.hidden = !open;
    showDiff.setAttribute('aria-pressed', String(open));
    if (open) {
      replace(diffBox, diffView(loadedText, draft.area.value, { oldLabel: 'loaded', newLabel: 'draft' }));
    }
  });

  const takeFrom = async eventIdValue => {
    const wanted = eventIdValue.trim();
    if (!wanted) {
      replace(takeStatus, message('error', 'Give an event id.'));
      return;
    }
    take.disabled = true;
    replace(takeStatus, el('p', null, 'Reading the event…'));
    try {
      const { detail, payloadText } = await fetchEvent(wanted, ctx.signal);
      if (!ctx.active) {
        return;
      }
      const event = detail.event || {};
      if (payloadText === null) {
        replace(takeStatus, message('error', 'That event\'s payload was not kept (journal: metadata).'));
        return;
      }
      payload.set(payloadText);
      headers.value = JSON.stringify(event.headers || {}, null, 2);
      replace(takeStatus, message('ok', 'Took the payload and headers of ',
        routeLink(['events', event.event_id], event.event_id, { class: 'mono' }),
        event.workflow_id && event.workflow_id !== id ? ` (an event of workflow "${event.workflow_id}", not "${id}")` : '', '.'));
    } catch (error) {
      if (!isAbort(error)) {
        replace(takeStatus, errorBlock(error, 'The event could not be read'));
      }
    } finally {
      take.disabled = false;
    }
  };
  takeForm.addEventListener('submit', event => {
    event.preventDefault();
    takeFrom(eventId.value);
  });

  dryRun.addEventListener('click', async () => {
    const definition = jsonText(draft.area.value, 'The draft');
    const body = jsonText(payload.area.value, 'The payload');
    const heads = jsonText(headers.value, 'The headers', '{}');
    const bad = [definition, body, heads].find(x => x.error);
    if (bad) {
      replace(dryRunResult, message('error', bad.error));
      return;
    }
    dryRun.disabled = true;
    replace(dryRunResult, el('p', null, 'Running…'));
    try {
      const answer = await post(path('/workflows/', id, '/draft/dry-run'),
        `{"definition":${definition.text},"payload":${body.text},"headers":${heads.text}}`, undefined,
        { signal: ctx.signal, exact: true });
      if (ctx.active) {
        replace(dryRunResult, el('p', { class: 'hint' }, 'What dispatch would publish with the draft (nothing is published):'),
          verdict(answer), actionsResult(answer));
      }
    } catch (error) {
      if (!isAbort(error)) {
        const where = error instanceof ApiError && error.type === 'draft-invalid' ? 'The draft is not valid' : 'The dry run was refused';
        replace(dryRunResult, errorBlock(error, where));
      }
    } finally {
      dryRun.disabled = false;
    }
  });

  impactForm.addEventListener('submit', async event => {
    event.preventDefault();
    const definition = jsonText(draft.area.value, 'The draft');
    if (definition.error) {
      replace(impactOut, message('error', definition.error));
      return;
    }
    let parameters;
    try {
      parameters = { since: timeParameter(since.value), until: timeParameter(until.value), max: max.value.trim() };
    } catch (error) {
      replace(impactOut, errorBlock(error));
      return;
    }
    impact.disabled = true;
    replace(impactOut, el('p', null, 'Comparing with stored events…'));
    try {
      const answer = await post(path('/workflows/', id, '/impact'), definition.text, parameters,
        { signal: ctx.signal, exact: true });
      if (ctx.active) {
        replace(impactOut, impactResult(answer));
      }
    } catch (error) {
      if (!isAbort(error)) {
        replace(impactOut, errorBlock(error, 'The impact was refused'));
      }
    } finally {
      impact.disabled = false;
    }
  });

  get(path('/workflows/', id), null, { signal: ctx.signal, exact: true }).then(definition => {
    loadedText = pretty(withoutId(definition)) + '\n';
  }).catch(error => {
    if (isAbort(error)) {
      return;
    }
    loadedText = TEMPLATE;
    replace(note, error instanceof ApiError && error.status === 404
      ? message('note', `Werken has no workflow "${id}" loaded: this is a draft of a new one.`)
      : errorBlock(error, 'The workflow as loaded could not be read'));
  }).finally(() => {
    if (!ctx.active) {
      return;
    }
    const kept = remembered(id);
    if (kept !== null && kept !== loadedText) {
      draft.set(kept);
      note.append(message('note', 'Your draft from earlier in this tab is back. ',
        '"Reset to the loaded one" starts again from the workflow as loaded.'));
    } else {
      draft.set(loadedText);
    }
    check();
  });

  const fromEvent = query.get('event');
  if (fromEvent) {
    eventId.value = fromEvent;
    takeFrom(fromEvent);
  }
}

