// #/events/<id>: one event as the journal recorded it (GET /events/{id}): payload (formatted, collapsible, copyable,
// exactly as accepted), headers, a timeline, each action with its outcome, queue and params, the dead-letter reason,
// its replays and what it replays; replay it (current or original revision, after a confirmation), or open it in the
// playground.

import { el, replace, section, table, badge, facts, time, routeLink, route, confirmDialog, message } from './dom.js';
import { request, post, path, errorBlock, isAbort, ApiError } from './api.js';
import { jsonView, pretty } from './json-view.js';
import { locate } from './json-source.js';

const NOT_YET_MS = 2000;
const NOT_YET_TRIES = 30;
const WATCH_REPLAY_MS = 2000;
const WATCH_REPLAY_TRIES = 15;

/**
 * The event's detail and its payload's text exactly as the answer carries it (the journal sends the bytes accepted,
 * not re-serialised): {detail, payloadText}; payloadText is null when the payload was not kept.
 */
export async function fetchEvent(id, signal) {
  const { json, text } = await request(path('/events/', id), { signal, exact: true, withText: true });
  let payloadText = null;
  if (json && json.event && json.event.payload !== undefined && json.event.payload !== null) {
    const where = locate(text).pointers.get('/event/payload');
    payloadText = where ? text.slice(where.start, where.end) : pretty(json.event.payload);
  }
  return { detail: json, payloadText };
}

function millisBetween(from, to) {
  const a = Date.parse(from);
  const b = Date.parse(to);
  return Number.isNaN(a) || Number.isNaN(b) ? null : b - a;
}

function timeline(event) {
  const steps = [el('li', null, el('span', { class: 'step' }, 'Received'), ' ', time(event.received_at))];
  const delta = millisBetween(event.received_at, event.dispatched_at);
  steps.push(el('li', null, el('span', { class: 'step' }, event.outcome === 'dead_lettered' ? 'Dead-lettered' : 'Dispatched'),
    ' ', time(event.dispatched_at), delta === null ? '' : ` (${delta} ms after it was received)`));
  steps.push(el('li', null, el('span', { class: 'step' }, 'Confirmed'), ' ',
    event.outcome === 'dead_lettered'
      ? 'the broker confirmed the dead letter and this record in one batch'
      : `the broker confirmed its ${event.actions_published ?? 0} published action${event.actions_published === 1 ? '' : 's'} and this record in one batch`));
  return el('ol', { class: 'timeline', 'data-test': 'timeline' }, steps);
}

function actionsTable(actions) {
  return table([
    { label: '#', class: 'num', cell: a => String(a.index) },
    { label: 'Type', cell: a => el('code', null, a.type) },
    { label: 'Queue', cell: a => el('code', null, a.queue) },
    { label: 'Outcome', cell: a => badge(a.outcome) },
    { label: 'Params / reason', cell: a => {
      const parts = [];
      if (a.reason) {
        parts.push(el('p', { class: 'reason' }, a.reason));
      }
      if (a.params !== undefined && a.params !== null) {
        parts.push(el('details', { class: 'params' }, el('summary', null, 'params'),
          jsonView(a.params, { label: `params of action ${a.index}` })));
      }
      return parts.length ? parts : '—';
    } },
  ], actions, { 'data-test': 'actions-table' });
}

function summaries(list, testId) {
  return table([
    { label: 'Event', cell: e => routeLink(['events', e.event_id], e.event_id, { class: 'mono' }) },
    { label: 'Received (UTC)', cell: e => time(e.received_at) },
    { label: 'Outcome', cell: e => badge(e.outcome) },
    { label: 'Revision', cell: e => el('code', null, e.workflow_revision || '—') },
    { label: 'Actions published', class: 'num', cell: e => String(e.actions_published ?? '—') },
  ], list, { 'data-test': testId, class: 'compact' });
}

export function mount(main, { parts, query }, ctx) {
  const id = parts.slice(1).join('/');
  ctx.title('Event');
  const heading = el('h1', null, 'Event ', el('span', { class: 'mono', 'data-test': 'event-id' }, id));
  const body = el('div', { 'data-test': 'event-detail' }, el('p', { class: 'loading' }, 'Loading…'));
  main.append(heading, body);

  let watchReplay = null;
  // A replay just made (its link carries wait=1) is in the journal once dispatched: then a 404 is looked at again.
  let tries = query.get('wait') === '1' ? 0 : NOT_YET_TRIES;

  const show = ({ detail, payloadText }) => {
    const event = detail.event || {};
    const actions = Array.isArray(event.actions) ? event.actions : [];
    const metadataOnly = event.journal === 'metadata' || event.payload === undefined || event.payload === null;
    const replayResult = el('div', { 'data-test': 'replay-result', role: 'status' });
    const replayButtons = ['current', 'original'].map(revision => {
      const button = el('button', { type: 'button', 'data-test': 'replay-' + revision, disabled: metadataOnly },
        revision === 'current' ? 'Replay with the workflows in use' : 'Replay with its original revision');
      button.addEventListener('click', () => replay(revision, replayResult));
      return button;
    });
    const playground = el('a', { class: 'button secondary', 'data-test': 'open-playground',
      href: route(['playground', event.workflow_id || ''], { event: event.event_id }) }, 'Open in the playground');

    const sections = [
      facts([
        ['Workflow', event.workflow_id ? routeLink(['workflows', event.workflow_id], event.workflow_id) : '—'],
        ['Outcome', badge(event.outcome)],
        ['Revision', el('code', null, event.workflow_revision || '—')],
        ['Journal', event.journal || '—'],
        ['Trace', event.traceparent ? el('code', null, event.traceparent) : '—'],
        event.replay_of ? ['Replays', routeLink(['events', event.replay_of], event.replay_of, { class: 'mono', 'data-test': 'replay-of-link' })] : null,
      ], { 'data-test': 'event-facts' }),
    ];
    if (event.reason) {
      sections.push(el('div', { class: ['msg', 'msg-error'], 'data-test': 'dead-letter-reason' },
        el('strong', null, 'Dead-letter reason: '), event.reason));
    }
    sections.push(el('div', { class: 'actions' }, replayButtons, playground),
      metadataOnly ? el('p', { class: 'hint' }, 'Kept as metadata only: this event cannot be replayed.') : null,
      replayResult);
    sections.push(section('Timeline', { class: 'card' }, timeline(event)));
    sections.push(section('Payload', { class: 'card', 'data-test': 'payload' }, metadataOnly
      ? el('p', { class: 'muted' }, 'Not kept: this workflow\'s journal setting is "metadata".')
      : [jsonView(event.payload, { label: 'payload', copyTest: 'copy-payload', raw: payloadText }),
        el('p', { class: 'hint' }, 'Copy JSON copies the payload exactly as Werken accepted it.')]));
    const headers = Object.entries(event.headers || {});
    sections.push(section('Headers', { class: 'card' }, headers.length
      ? table([{ label: 'Name', cell: h => el('code', null, h[0]) }, { label: 'Value', cell: h => el('code', null, h[1]) }],
        headers, { 'data-test': 'headers-table', class: 'compact' })
      : el('p', { class: 'muted' }, metadataOnly ? 'Not kept.' : 'The workflow reads no header.')));
    sections.push(section('Actions', { class: 'card' }, actions.length ? actionsTable(actions)
      : el('p', { class: 'muted' }, 'The workflow has no action.')));
    const replays = Array.isArray(detail.replays) ? detail.replays : [];
    sections.push(section('Replays of this event', { class: 'card' }, replays.length ? summaries(replays, 'replays-table')
      : el('p', { class: 'muted', 'data-test': 'replays-none' }, 'None.')));
    if (detail.replay_of) {
      sections.push(section('The event it replays', { class: 'card' }, summaries([detail.replay_of], 'replay-of-table')));
    }
    if (detail.definition) {
      sections.push(section(`Definition at revision ${event.workflow_revision || ''}`, { class: 'card' },
        el('details', null, el('summary', null, 'Show the workflow as it stood'),
          jsonView(detail.definition, { label: 'definition', copyTest: 'copy-definition' }))));
    }
    replace(body, sections);
    return replays;
  };

  const load = async () => {
    try {
      const answer = await fetchEvent(id, ctx.signal);
      if (ctx.active) {
        ctx.title(`Event ${id.slice(0, 8)}`);
        show(answer);
      }
      return answer;
    } catch (error) {
      if (isAbort(error) || !ctx.active) {
        return null;
      }
      if (error instanceof ApiError && error.status === 404 && error.type === 'not-found' && tries < NOT_YET_TRIES) {
        // A new event (a replay just made) is in the journal once dispatched: look again for a minute.
        tries += 1;
        replace(body, message('note', 'The journal does not hold this event (yet): an event is recorded once it has ',
          'been dispatched. Looking again every 2 s…'));
        setTimeout(() => { if (ctx.active) { load(); } }, NOT_YET_MS);
        return null;
      }
      replace(body, errorBlock(error, 'The event could not be read'));
      return null;
    }
  };

  const replay = async (revision, resultBox) => {
    const ok = await confirmDialog({
      title: 'Replay this event?',
      body: [el('p', null, 'Werken puts a copy of this event on the received queue as a new event, dispatched ',
        revision === 'current' ? 'with the workflows in use now.' : 'with the revision that dispatched it first.'),
      el('p', null, 'Workers receive its actions like any others (with replay_of set). No signature check, no dedupe.')],
      confirmLabel: revision === 'current' ? 'Replay (current)' : 'Replay (original)',
      confirmTest: 'confirm-replay',
    });
    if (!ok || !ctx.active) {
      return;
    }
    replace(resultBox, el('p', null, 'Replaying…'));
    try {
      const answer = await post(path('/events/', id, '/replay'), undefined, { revision }, { signal: ctx.signal });
      replace(resultBox, message('ok', 'Replayed as ',
        el('a', { href: route(['events', answer.event_id], { wait: '1' }), class: 'mono', 'data-test': 'replay-link' },
          answer.event_id),
        ` (revision: ${answer.revision}). It shows among the replays once dispatched.`));
      watch(answer.event_id);
    } catch (error) {
      if (!isAbort(error)) {
        replace(resultBox, errorBlock(error, 'The replay was refused'));
      }
    }
  };

  // After a replay, read the event again until the replay is listed (or a while has passed).
  const watch = newId => {
    if (watchReplay) {
      clearTimeout(watchReplay);
    }
    let left = WATCH_REPLAY_TRIES;
    const look = async () => {
      left -= 1;
      try {
        const answer = await fetchEvent(id, ctx.signal);
        if (!ctx.active) {
          return;
        }
        const listed = (answer.detail.replays || []).some(r => r.event_id === newId);
        if (listed) {
          const result = body.querySelector('[data-test="replay-result"]');
          const kept = result ? [...result.childNodes] : [];
          show(answer);
          const fresh = body.querySelector('[data-test="replay-result"]');
          if (fresh) {
            fresh.append(...kept);
          }
          return;
        }
      } catch (error) {
        if (isAbort(error) || !ctx.active) {
          return;
        }
      }
      if (left > 0) {
        watchReplay = setTimeout(look, WATCH_REPLAY_MS);
      }
    };
    watchReplay = setTimeout(look, WATCH_REPLAY_MS);
  };
  ctx.onLeave(() => clearTimeout(watchReplay));

  load();
}

