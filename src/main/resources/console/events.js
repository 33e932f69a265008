// #/events: the journal's listing (GET /events), newest first, with its filters and a CEL where box, the next page by
// cursor, and a live-tail switch that looks for new events every 2 s. The filters live in the route's query, so a
// search can be linked to and the back button works.

import { el, replace, field, table, tableRow, badge, time, routeLink, route, uid, timeParameter, message } from './dom.js';
import { get, errorBlock, isAbort } from './api.js';

const LIVE_MS = 2000;
const FILTERS = ['workflow', 'outcome', 'since', 'until', 'action_type', 'queue', 'replay_of', 'where', 'limit'];
const LIMITS = ['50', '100', '200', '500'];

/** The API query for the filters of the route (since/until as RFC 3339, relative ones resolved now). */
function apiQuery(filters) {
  const query = {};
  for (const name of FILTERS) {
    const value = filters[name];
    if (value === undefined || value === null || String(value).trim() === '') {
      continue;
    }
    query[name] = name === 'since' || name === 'until' ? timeParameter(value) : String(value).trim();
  }
  return query;
}

function columns() {
  return [
    { label: 'Received (UTC)', cell: e => time(e.received_at) },
    { label: 'Event', cell: e => routeLink(['events', e.event_id], e.event_id, { class: 'mono', 'data-test': 'event-link' }) },
    { label: 'Workflow', cell: e => (e.workflow_id ? routeLink(['workflows', e.workflow_id], e.workflow_id) : '—') },
    { label: 'Outcome', cell: e => badge(e.outcome) },
    { label: 'Revision', cell: e => el('code', null, e.workflow_revision || '—') },
    { label: 'Actions published', class: 'num', cell: e => String(e.actions_published ?? '—') },
    { label: 'Replay of', cell: e => (e.replay_of ? routeLink(['events', e.replay_of], e.replay_of, { class: 'mono' }) : '') },
  ];
}

export function mount(main, { query }, ctx) {
  ctx.title('Events');
  const filters = {};
  FILTERS.forEach(name => { filters[name] = query.get(name) || ''; });
  const live = query.get('live') === '1';

  const input = (name, label, attributes = {}, hint) => {
    const control = el('input', { id: 'filter-' + name, name, type: 'text', value: filters[name], autocomplete: 'off',
      spellcheck: 'false', 'data-test': 'filter-' + name.replace(/_/g, '-'), ...attributes });
    if (hint) {
      control.setAttribute('aria-describedby', control.id + '-hint');
    }
    return field(label, control, hint);
  };
  const workflowList = el('datalist', { id: uid('workflows') });
  const outcome = el('select', { id: 'filter-outcome', name: 'outcome', 'data-test': 'filter-outcome' },
    el('option', { value: '' }, 'any'), el('option', { value: 'dispatched' }, 'dispatched'),
    el('option', { value: 'dead_lettered' }, 'dead_lettered'));
  outcome.value = filters.outcome;
  const limit = el('select', { id: 'filter-limit', name: 'limit', 'data-test': 'filter-limit' },
    LIMITS.map(n => el('option', { value: n }, n)));
  limit.value = LIMITS.includes(filters.limit) ? filters.limit : '50';
  const where = el('input', { id: 'where-input', name: 'where', type: 'text', value: filters.where, autocomplete: 'off',
    spellcheck: 'false', class: 'wide mono', 'data-test': 'where-input', 'aria-describedby': 'where-input-hint',
    placeholder: "payload.sender.login == 'octocat'" });
  const liveSwitch = el('input', { id: 'live-tail', type: 'checkbox', role: 'switch', checked: live,
    'data-test': 'live-tail' });
  const liveStatus = el('span', { class: 'live-status', role: 'status', 'data-test': 'live-status' });
  const search = el('button', { type: 'submit', 'data-test': 'search-button' }, 'Search');
  const clear = el('button', { type: 'button', class: 'secondary', 'data-test': 'clear-filters' }, 'Clear');

  const form = el('form', { class: 'filters', 'data-test': 'events-filters', 'aria-label': 'Event filters' },
    el('div', { class: 'field-row' },
      input('workflow', 'Workflow', { list: workflowList.id }),
      field('Outcome', outcome),
      input('since', 'Since', { placeholder: '1h, 7d or RFC 3339' }),
      input('until', 'Until (exclusive)', { placeholder: '1h, 7d or RFC 3339' }),
      field('Page size', limit)),
    el('div', { class: 'field-row' },
      input('action_type', 'Action type'),
      input('queue', 'Action queue'),
      input('replay_of', 'Replay of (event id)')),
    el('div', { class: 'field-row' },
      el('div', { class: 'field grow' },
        el('label', { for: where.id }, 'Where (CEL over payload, headers, event)'),
        where,
        el('span', { class: 'hint', id: 'where-input-hint' },
          "e.g. payload.sender.login == 'octocat' or headers['x-github-event'] == 'push'; has(payload.x) tests for a key."))),
    el('div', { class: 'actions' }, search, clear,
      el('span', { class: 'switch' }, liveSwitch, el('label', { for: liveSwitch.id }, 'Live tail (every 2 s)')),
      liveStatus),
    workflowList);

  const summary = el('p', { class: 'summary', role: 'status', 'data-test': 'events-summary' });
  const results = el('div', { 'data-test': 'events-results' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true, 'data-test': 'next-page' }, 'Next page');
  main.append(el('h1', null, 'Events'), form, summary, results, el('div', { class: 'actions' }, more));

  const cols = columns();
  const known = new Set();
  let tbody = null;
  let cursor = null;
  let shown = 0;
  let scanned = 0;

  const currentFilters = () => {
    const values = {};
    for (const name of FILTERS) {
      const control = form.elements.namedItem(name);
      values[name] = control ? control.value.trim() : '';
    }
    return values;
  };

  const describe = (answer, appended) => {
    const parts = [`${shown} event${shown === 1 ? '' : 's'} shown, newest first.`];
    if (answer.scanned !== undefined) {
      scanned = appended ? scanned + answer.scanned : answer.scanned;
      parts.push(`The where condition looked at ${scanned} entr${scanned === 1 ? 'y' : 'ies'}.`);
      if (answer.stopped_at_scan_limit) {
        parts.push('It stopped at the scan limit: Next page looks further.');
      }
      if (answer.unevaluable) {
        parts.push(`${answer.unevaluable} could not be evaluated`
          + (answer.unevaluable_reason ? ` (${answer.unevaluable_reason}).` : '.'));
      }
    }
    summary.textContent = parts.join(' ');
  };

  const addRows = (list, atTop) => {
    const fresh = list.filter(e => !known.has(e.event_id));
    fresh.forEach(e => known.add(e.event_id));
    shown += fresh.length;
    const rows = fresh.map(e => {
      const row = tableRow(cols, e);
      row.dataset.eventId = e.event_id;
      row.dataset.test = 'event-row';
      if (atTop) {
        row.classList.add('fresh');
      }
      return row;
    });
    if (atTop) {
      tbody.prepend(...rows);
    } else {
      tbody.append(...rows);
    }
    return fresh.length;
  };

  const load = async appended => {
    let apiParams;
    try {
      apiParams = apiQuery(currentFilters());
    } catch (error) {
      replace(results, errorBlock(error));
      return;
    }
    if (appended && cursor) {
      apiParams.cursor = cursor;
    }
    more.disabled = true;
    if (!appended) {
      summary.textContent = 'Searching…';
    }
    try {
      const answer = await get('/events', apiParams, { signal: ctx.signal });
      if (!ctx.active) {
        return;
      }
      if (!appended) {
        known.clear();
        shown = 0;
        const grid = table(cols, [], { 'data-test': 'events-table' });
        tbody = grid.tBodies[0];
        replace(results, grid);
      }
      addRows(answer.events || [], false);
      if (!appended && shown === 0) {
        results.append(message('note', 'No event in the journal matches.'));
      }
      cursor = answer.next_cursor || null;
      more.hidden = !cursor;
      more.textContent = answer.stopped_at_scan_limit ? 'Look further' : 'Next page';
      describe(answer, appended);
    } catch (error) {
      if (!isAbort(error)) {
        replace(results, errorBlock(error, 'The journal refused the search'));
        summary.textContent = '';
      }
    } finally {
      more.disabled = false;
    }
  };

  const tail = async () => {
    if (!tbody) {
      return;
    }
    let apiParams;
    try {
      apiParams = apiQuery(currentFilters());
    } catch (error) {
      liveStatus.textContent = error.message;
      return;
    }
    try {
      const answer = await get('/events', apiParams, { signal: ctx.signal });
      if (!ctx.active) {
        return;
      }
      const added = addRows(answer.events || [], true);
      const now = new Date().toISOString().slice(11, 19);
      liveStatus.textContent = added ? `${added} new event${added === 1 ? '' : 's'} at ${now} UTC.`
        : `Live: looked at ${now} UTC.`;
      if (added) {
        results.querySelectorAll('.msg-note').forEach(n => n.remove());
        describe({}, true);
      }
    } catch (error) {
      if (!isAbort(error)) {
        liveStatus.textContent = 'Live tail: ' + error.message;
      }
    }
  };

  let stopTail = null;
  const setLive = on => {
    if (stopTail) {
      stopTail();
      stopTail = null;
    }
    if (on) {
      stopTail = ctx.every(tail, LIVE_MS);
    } else {
      liveStatus.textContent = '';
    }
  };

  const routeFor = values => {
    const q = { ...values };
    if (q.limit === '50') {
      delete q.limit;
    }
    if (liveSwitch.checked) {
      q.live = '1';
    }
    return route(['events'], q);
  };

  form.addEventListener('submit', event => {
    event.preventDefault();
    const target = routeFor(currentFilters());
    if (target === location.hash) {
      load(false);
    } else {
      location.hash = target;
    }
  });
  clear.addEventListener('click', () => {
    location.hash = liveSwitch.checked ? route(['events'], { live: '1' }) : '#/events';
  });
  more.addEventListener('click', () => load(true));
  liveSwitch.addEventListener('change', () => {
    // Keep the switch in the route without searching again.
    history.replaceState(null, '', routeFor(filters));
    setLive(liveSwitch.checked);
  });

  get('/workflows', null, { signal: ctx.signal }).then(listing => {
    (listing.workflows || []).forEach(w => workflowList.append(el('option', { value: w.id })));
  }).catch(() => {
    // the datalist is only a help
  });

  load(false).then(() => setLive(live));
}
