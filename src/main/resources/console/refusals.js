// #/refusals: the last 200 webhook refusals Werken holds in memory (GET /refusals), newest first: time, workflow,
// status, problem type, detail and the sender's address (never the body). Refreshes every 5 s while the switch is on.

import { el, replace, field, table, time, routeLink, message } from './dom.js';
import { get, errorBlock, isAbort } from './api.js';

const REFRESH_MS = 5000;

export function mount(main, params, ctx) {
  ctx.title('Refused requests');
  const filter = el('input', { id: 'refusals-filter', type: 'search', autocomplete: 'off', spellcheck: 'false',
    'data-test': 'refusals-filter', placeholder: 'workflow, type, path, address or text' });
  const auto = el('input', { id: 'refusals-auto', type: 'checkbox', role: 'switch', checked: true, 'data-test': 'refusals-auto' });
  const refresh = el('button', { type: 'button', class: 'secondary', 'data-test': 'refusals-refresh' }, 'Refresh');
  const summary = el('p', { role: 'status', 'data-test': 'refusals-summary' }, 'Loading…');
  const box = el('div', { 'data-test': 'refusals' });
  main.append(el('h1', null, 'Refused requests'),
    el('p', null, 'Webhooks Werken refused (4xx and 5xx), newest first; at most the last 200, kept in memory since start. '
      + 'Bodies are never kept.'),
    el('div', { class: 'toolbar' }, field('Filter', filter),
      el('span', { class: 'switch' }, auto, el('label', { for: auto.id }, 'Refresh every 5 s')), refresh),
    summary, box);

  let all = [];
  const show = () => {
    const needle = filter.value.trim().toLowerCase();
    const rows = needle ? all.filter(r => [r.workflow_id, r.type, r.detail, r.remote, r.path, String(r.status)]
      .some(v => v !== null && v !== undefined && String(v).toLowerCase().includes(needle))) : all;
    summary.textContent = needle ? `${rows.length} of ${all.length} refusals match.`
      : `${all.length} refusal${all.length === 1 ? '' : 's'} held.`;
    replace(box, rows.length ? table([
      { label: 'At (UTC)', cell: r => time(r.at) },
      { label: 'Workflow', cell: r => (r.workflow_id ? routeLink(['workflows', r.workflow_id], r.workflow_id) : '—') },
      { label: 'Path', cell: r => (r.path ? el('code', null, r.path) : '—') },
      { label: 'Status', class: 'num', cell: r => String(r.status ?? '—') },
      { label: 'Problem type', cell: r => el('code', null, r.type || '—') },
      { label: 'Detail', cell: r => el('span', { class: 'reason' }, r.detail || '') },
      { label: 'Sender', cell: r => el('code', null, r.remote || '—') },
    ], rows, { 'data-test': 'refusals-table' }) : message('note', all.length ? 'No refusal matches the filter.'
      : 'No webhook has been refused since Werken started.'));
  };

  const load = async () => {
    try {
      const answer = await get('/refusals', null, { signal: ctx.signal });
      if (ctx.active) {
        all = Array.isArray(answer.refusals) ? answer.refusals : [];
        show();
      }
    } catch (error) {
      if (!isAbort(error) && ctx.active) {
        summary.textContent = '';
        replace(box, errorBlock(error, 'The refusals could not be read'));
      }
    }
  };

  let stop = null;
  const setAuto = on => {
    if (stop) {
      stop();
      stop = null;
    }
    if (on) {
      stop = ctx.every(load, REFRESH_MS);
    }
  };
  filter.addEventListener('input', show);
  refresh.addEventListener('click', load);
  auto.addEventListener('change', () => setAuto(auto.checked));
  setAuto(true);
}
