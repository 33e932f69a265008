// #/dead-letters: what received_webhooks.dlq holds (GET /dead-letters) with each reason; re-queue the oldest N
// (POST /dead-letters/requeue?max=N); replay one through the journal (POST /events/{id}/replay).

import { el, replace, field, table, time, routeLink, route, confirmDialog, message } from './dom.js';
import { get, post, path, errorBlock, isAbort } from './api.js';

const LIMITS = ['10', '50', '100'];

export function mount(main, params, ctx) {
  ctx.title('Dead letters');
  const limit = el('select', { id: 'dl-limit', 'data-test': 'dl-limit' }, LIMITS.map(n => el('option', { value: n }, n)));
  const refresh = el('button', { type: 'button', class: 'secondary', 'data-test': 'dl-refresh' }, 'Refresh');
  const count = el('input', { id: 'requeue-count', type: 'number', min: '1', max: '1000', step: '1', value: '1',
    required: true, inputmode: 'numeric', 'data-test': 'requeue-count', 'aria-describedby': 'requeue-count-hint' });
  const requeue = el('button', { type: 'submit', 'data-test': 'requeue-button' }, 'Re-queue');
  const requeueResult = el('div', { role: 'status', 'data-test': 'requeue-result' });
  const requeueForm = el('form', { class: 'inline-form', 'data-test': 'requeue-form', 'aria-label': 'Re-queue dead letters' },
    field('Events to re-queue (oldest first)', count,
      'Moves them back to received_webhooks, each acknowledged on the .dlq once the broker confirmed it; 1 to 1000.'),
    requeue);
  const summary = el('p', { role: 'status', 'data-test': 'dl-count' });
  const listBox = el('div', { 'data-test': 'dl-results' });
  const replayResult = el('div', { role: 'status', 'data-test': 'replay-result' });
  main.append(el('h1', null, 'Dead letters'),
    el('div', { class: 'toolbar' }, field('Show', limit), refresh),
    summary, replayResult, listBox,
    el('section', { class: 'card' }, el('h2', null, 'Re-queue'), requeueForm, requeueResult));

  const replayOne = async (eventId, workflowId) => {
    const ok = await confirmDialog({
      title: 'Replay this dead letter?',
      body: [el('p', null, 'Werken replays the event as the journal recorded it, as a new event dispatched with the ',
        'workflows in use now', workflowId ? [' (workflow ', el('code', null, workflowId), ')'] : '', '.'),
      el('p', null, 'The dead letter itself stays on the .dlq: re-queue or remove it separately.')],
      confirmLabel: 'Replay',
      confirmTest: 'confirm-replay',
    });
    if (!ok || !ctx.active) {
      return;
    }
    replace(replayResult, el('p', null, 'Replaying…'));
    try {
      const answer = await post(path('/events/', eventId, '/replay'), undefined, { revision: 'current' },
        { signal: ctx.signal });
      replace(replayResult, message('ok', 'Replayed as ',
        el('a', { href: route(['events', answer.event_id], { wait: '1' }), class: 'mono', 'data-test': 'replay-link' },
          answer.event_id), '.'));
    } catch (error) {
      if (!isAbort(error)) {
        replace(replayResult, errorBlock(error, 'The replay was refused (an event the broker dead-lettered by '
          + 'itself is not in the journal)'));
      }
    }
  };

  const load = async () => {
    refresh.disabled = true;
    try {
      const answer = await get('/dead-letters', { limit: limit.value }, { signal: ctx.signal });
      if (!ctx.active) {
        return;
      }
      const letters = Array.isArray(answer.dead_letters) ? answer.dead_letters : [];
      summary.replaceChildren(`${answer.count} event${answer.count === 1 ? '' : 's'} on `, el('code', null, answer.queue),
        letters.length < answer.count ? `; the oldest ${letters.length} below.` : '.');
      replace(listBox, letters.length ? table([
        { label: 'Dead-lettered (UTC)', cell: d => time(d.dead_lettered_at) },
        { label: 'Event', cell: d => (d.event_id ? routeLink(['events', d.event_id], d.event_id, { class: 'mono' }) : '—') },
        { label: 'Workflow', cell: d => (d.workflow_id ? routeLink(['workflows', d.workflow_id], d.workflow_id) : '—') },
        { label: 'Reason', cell: d => el('span', { class: 'reason' }, d.reason || '—') },
        { label: 'Replay', cell: d => {
          if (!d.event_id) {
            return '';
          }
          const button = el('button', { type: 'button', class: 'secondary small', 'data-test': 'replay-dead-letter',
            'data-event-id': d.event_id, 'aria-label': `Replay event ${d.event_id}` }, 'Replay');
          button.addEventListener('click', () => replayOne(d.event_id, d.workflow_id));
          return button;
        } },
      ], letters, { 'data-test': 'dl-table' }) : message('note', 'The dead-letter queue is empty.'));
    } catch (error) {
      if (!isAbort(error)) {
        summary.textContent = '';
        replace(listBox, errorBlock(error, 'The dead letters could not be read'));
      }
    } finally {
      refresh.disabled = false;
    }
  };

  requeueForm.addEventListener('submit', async event => {
    event.preventDefault();
    const n = Number(count.value);
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      replace(requeueResult, message('error', 'Give a whole number from 1 to 1000.'));
      count.focus();
      return;
    }
    const ok = await confirmDialog({
      title: `Re-queue ${n} dead letter${n === 1 ? '' : 's'}?`,
      body: el('p', null, `The oldest ${n} event${n === 1 ? '' : 's'} on the .dlq go back to received_webhooks and are `
        + 'dispatched again with the workflows in use.'),
      confirmLabel: 'Re-queue',
      confirmTest: 'confirm-requeue',
    });
    if (!ok || !ctx.active) {
      return;
    }
    requeue.disabled = true;
    replace(requeueResult, el('p', null, 'Re-queueing…'));
    try {
      const answer = await post('/dead-letters/requeue', undefined, { max: n }, { signal: ctx.signal });
      replace(requeueResult, message('ok', `Re-queued ${answer.requeued} to `, el('code', null, answer.to),
        `; ${answer.remaining} remain on `, el('code', null, answer.queue),
        answer.dead_lettered_meanwhile ? `, of which ${answer.dead_lettered_meanwhile} arrived while it ran (dead-lettered again?)` : '',
        answer.not_moved_again ? `; not moved twice: ${answer.not_moved_again}` : '', '.'));
      await load();
    } catch (error) {
      if (!isAbort(error)) {
        replace(requeueResult, errorBlock(error, 'The re-queue was refused'));
      }
    } finally {
      requeue.disabled = false;
    }
  });
  refresh.addEventListener('click', load);
  limit.addEventListener('change', load);
  load();
}
