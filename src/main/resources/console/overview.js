// #/overview: per workflow, accepted and refused webhooks per second and dispatch latency over the last 15 minutes
// (GET /stats, drawn with uPlot); the queues (GET /queues); health (GET /observe/health, full); the revision in use
// and the last reload (GET /workflows); own route files refused or unable to start, each with its file and cause (from
// the own-routes health check). Refreshes every 5 s.

import { el, replace, section, table, badge, facts, time, routeLink, debounce } from './dom.js';
import { get, ApiError, errorBlock, isAbort } from './api.js';

const REFRESH_MS = 5000;
const CHART_HEIGHT = 150;
const UPLOT = '/console/vendor/uplot/uPlot.esm.js';
// Camel's bookkeeping in every check's details: left out, the checks' own details stay.
const BOOKKEEPING = /^(check\.(group|id|kind)|invocation\.(count|time)|success\.(count|start\.time|time)|failure\.(count|start\.time|time)|route\.id|context\.(phase|version|name))$/;

let uPlotLoading = null;

/** uPlot, loaded when the overview first needs it (a missing library leaves the rest of the console working). */
function loadUPlot() {
  if (!uPlotLoading) {
    uPlotLoading = import(UPLOT).then(module => module.default).catch(error => {
      uPlotLoading = null;
      throw error;
    });
  }
  return uPlotLoading;
}

const number = (value, digits) => (value === null || value === undefined || Number.isNaN(value) ? '—'
  : Number(value).toFixed(digits));

function seriesValue(digits, unit) {
  return (u, value) => (value === null || value === undefined ? '—' : `${Number(value).toFixed(digits)} ${unit}`);
}

/** HH:MM (or HH:MM:SS) in UTC, as every other time in the console. */
function utcClock(seconds, withSeconds) {
  return new Date(seconds * 1000).toISOString().slice(11, withSeconds ? 19 : 16);
}

function chartOptions(width, kind) {
  const common = {
    width,
    height: CHART_HEIGHT,
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(max || 0, kind === 'rate' ? 1 : 5)] } },
    axes: [{ stroke: '#444', values: (u, splits, axis, space, increment) => splits.map(s => utcClock(s, increment < 60)) },
      { stroke: '#444', size: 56 }],
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
  };
  if (kind === 'rate') {
    return {
      ...common,
      title: 'Webhooks per second',
      series: [{ label: 'UTC', value: (u, v) => (v === null || v === undefined ? '—' : utcClock(v, true)) },
        { label: 'accepted', stroke: '#1a7f37', width: 2, value: seriesValue(2, '/s') },
        { label: 'refused', stroke: '#b42318', width: 2, dash: [6, 4], value: seriesValue(2, '/s') }],
    };
  }
  return {
    ...common,
    title: 'Dispatch latency',
    series: [{ label: 'UTC', value: (u, v) => (v === null || v === undefined ? '—' : utcClock(v, true)) },
      { label: 'p99', stroke: '#6639ba', width: 2, value: seriesValue(1, 'ms') },
      { label: 'mean', stroke: '#0a5ea8', width: 2, dash: [2, 3], value: seriesValue(1, 'ms') }],
  };
}

function chartData(points) {
  const t = [];
  const accepted = [];
  const refused = [];
  const p99 = [];
  const mean = [];
  for (const p of points) {
    const at = Date.parse(p.t);
    if (Number.isNaN(at)) {
      continue;
    }
    t.push(at / 1000);
    accepted.push(p.accepted_per_s ?? null);
    refused.push(p.refused_per_s ?? null);
    p99.push(p.dispatch_p99_ms ?? null);
    mean.push(p.dispatch_mean_ms ?? null);
  }
  return { rate: [t, accepted, refused], latency: [t, p99, mean] };
}

function latest(points) {
  return points.length ? points[points.length - 1] : null;
}

function summaryText(points) {
  const last = latest(points);
  if (!last) {
    return 'No samples yet.';
  }
  const rates = `Last 10 s: ${number(last.accepted_per_s, 2)} accepted/s, ${number(last.refused_per_s, 2)} refused/s`;
  return last.dispatch_p99_ms === null || last.dispatch_p99_ms === undefined ? `${rates}, nothing dispatched.`
    : `${rates}, dispatch p99 ${number(last.dispatch_p99_ms, 1)} ms, mean ${number(last.dispatch_mean_ms, 1)} ms.`;
}

export function mount(main, params, ctx) {
  ctx.title('Overview');
  const updated = el('p', { class: 'updated', role: 'status', 'data-test': 'overview-updated' }, 'Loading…');
  const statusBox = el('div', { 'data-test': 'overview-workflows' });
  const chartsBox = el('div', { class: 'chart-grid', 'data-test': 'overview-charts' });
  const chartsNote = el('div');
  const queuesBox = el('div', { 'data-test': 'overview-queues' });
  const healthBox = el('div', { 'data-test': 'overview-health' });
  const ownRoutesBox = el('div', { 'data-test': 'overview-own-routes' });
  main.append(
    el('div', { class: 'page-head' }, el('h1', null, 'Overview'), updated),
    section('Workflows in use', { class: 'card' }, statusBox),
    section('Traffic, last 15 minutes', { class: 'card' }, chartsNote, chartsBox),
    el('div', { class: 'two-columns' },
      section('Queues', { class: 'card' }, queuesBox),
      section('Health', { class: 'card' }, healthBox)),
    section('Own routes', { class: 'card' }, ownRoutesBox));

  const charts = new Map();
  const chartWidth = () => {
    const box = chartsBox.clientWidth || 1000;
    const columns = box >= 1100 ? 2 : 1;
    return Math.max(280, Math.floor((box - (columns - 1) * 16) / columns) - 26);
  };
  const resize = debounce(() => {
    const width = chartWidth();
    charts.forEach(c => {
      c.rate.setSize({ width, height: CHART_HEIGHT });
      c.latency.setSize({ width, height: CHART_HEIGHT });
    });
  }, 200);
  window.addEventListener('resize', resize);
  ctx.onLeave(() => {
    window.removeEventListener('resize', resize);
    resize.cancel();
    charts.forEach(c => {
      c.rate.destroy();
      c.latency.destroy();
    });
    charts.clear();
  });

  const showStats = async stats => {
    const uPlot = await loadUPlot();
    if (!ctx.active) {
      return;
    }
    const seen = new Set();
    const list = Array.isArray(stats.workflows) ? stats.workflows : [];
    replace(chartsNote, list.length ? null
      : el('p', { class: 'muted' }, 'No workflow has had traffic since Werken started.'));
    for (const workflow of list) {
      // null: webhooks refused before a workflow was known (an unknown workflow, a request Werken could not read).
      const known = workflow.workflow_id !== null && workflow.workflow_id !== undefined;
      const id = known ? String(workflow.workflow_id) : '';
      seen.add(id);
      const points = Array.isArray(workflow.points) ? workflow.points : [];
      const data = chartData(points);
      let chart = charts.get(id);
      if (!chart) {
        const rateBox = el('div', { class: 'chart', 'data-test': 'chart-rate' });
        const latencyBox = el('div', { class: 'chart', 'data-test': 'chart-latency' });
        const summary = el('p', { class: 'chart-summary', 'data-test': 'chart-summary' });
        const card = el('article', { class: 'chart-card', 'data-test': 'chart-card', 'data-workflow': id },
          el('h3', null, known ? routeLink(['workflows', id], id) : 'No workflow (refused before one was known)'),
          summary, rateBox, latencyBox);
        chartsBox.append(card);
        const width = chartWidth();
        chart = {
          card, summary,
          rate: new uPlot(chartOptions(width, 'rate'), data.rate, rateBox),
          latency: new uPlot(chartOptions(width, 'latency'), data.latency, latencyBox),
        };
        charts.set(id, chart);
      } else {
        chart.rate.setData(data.rate);
        chart.latency.setData(data.latency);
      }
      chart.summary.textContent = summaryText(points);
    }
    for (const [id, chart] of charts) {
      if (!seen.has(id)) {
        chart.rate.destroy();
        chart.latency.destroy();
        chart.card.remove();
        charts.delete(id);
      }
    }
  };

  const showWorkflows = listing => {
    const last = listing.last_reload;
    const parts = [facts([
      ['Revision', el('code', { 'data-test': 'revision' }, listing.revision || '—')],
      ['Loaded', time(listing.loaded_at)],
      ['File', listing.source || '—'],
      ['Workflows', String((listing.workflows || []).length)],
      ['Last reload', last ? el('span', null, badge(last.outcome), ' ', time(last.at)) : 'none since start'],
    ])];
    if (last && Array.isArray(last.problems) && last.problems.length) {
      parts.push(el('div', { class: ['msg', 'msg-error'], 'data-test': 'reload-problems' },
        el('p', null, `The last reload was refused (${last.problems.length} problem${last.problems.length === 1 ? '' : 's'}); `
          + 'the workflows above are still in use:'),
        el('ul', { class: 'problems' }, last.problems.map(p => el('li', null, p)))));
    }
    replace(statusBox, parts);
  };

  const showQueues = answer => {
    const queues = Array.isArray(answer.queues) ? answer.queues : [];
    replace(queuesBox, table([
      { label: 'Queue', cell: q => el('code', null, q.name) },
      { label: 'Role', cell: q => q.role || '' },
      { label: 'Messages', class: 'num', cell: q => (q.missing ? badge('missing') : String(q.messages ?? '—')) },
      { label: 'Consumers', class: 'num', cell: q => (q.missing ? '' : String(q.consumers ?? '—')) },
    ], queues, { 'data-test': 'queues-table', class: 'compact' }));
  };

  const checkDetails = data => {
    const entries = Object.entries(data || {}).filter(([key]) => !BOOKKEEPING.test(key));
    if (!entries.length) {
      return '';
    }
    return el('ul', { class: 'details' }, entries.map(([key, value]) => el('li', null,
      el('span', { class: 'detail-key' }, key), ': ',
      typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value))));
  };

  const showHealth = report => {
    const checks = Array.isArray(report.checks) ? report.checks : [];
    // Werken's own checks (broker, journal, workflows, own routes, event loop) and anything not UP come first, with
    // their details; Camel's per-route and per-consumer checks are folded into one line when they are all UP.
    const own = c => (c.data && c.data['check.group'] === 'werken') || String(c.name).startsWith('werken/');
    const first = checks.filter(c => own(c) || c.status !== 'UP');
    const rest = checks.filter(c => !first.includes(c));
    replace(healthBox,
      el('p', null, 'Werken is ', badge(report.status || 'UNKNOWN'), '.'),
      table([
        { label: 'Check', cell: c => c.name },
        { label: 'Status', cell: c => badge(c.status) },
        { label: 'Details', cell: c => checkDetails(c.data) },
      ], first, { 'data-test': 'health-table', class: 'compact' }),
      rest.length ? el('details', { class: 'other-checks', 'data-test': 'health-other' },
        el('summary', null, `${rest.length} more of Camel's checks (context, routes, consumers): all UP`),
        el('p', { class: 'muted' }, rest.map(c => c.name).join(', '))) : null);
    const ownRoutes = checks.find(c => /(^|\/)own-routes$/.test(String(c.name)));
    if (!ownRoutes) {
      replace(ownRoutesBox, el('p', { class: 'muted' }, 'No own-routes check in the health report.'));
      return;
    }
    const data = ownRoutes.data || {};
    const refused = typeof data.refused === 'string' && data.refused ? data.refused.split('; ') : [];
    replace(ownRoutesBox,
      facts([
        ['Directory', data.directory || '—'],
        ['Routes running', data.routes === undefined ? '—' : String(data.routes)],
        ['Refused since start', data.refused_since_start === undefined ? '—' : String(data.refused_since_start)],
      ]),
      refused.length
        ? el('div', { class: ['msg', 'msg-error'], 'data-test': 'own-routes-refused' },
          el('p', null, `${refused.length} own route file${refused.length === 1 ? ' is' : 's are'} refused or cannot `
            + 'start now (the version before, if any, runs on):'),
          el('ul', { class: 'problems' }, refused.map(r => el('li', null, r))))
        : el('p', { class: 'muted', 'data-test': 'own-routes-refused' }, 'No own route is refused now.'));
  };

  const part = async (box, fetcher, show, what) => {
    try {
      const answer = await fetcher();
      if (ctx.active) {
        await show(answer);
      }
      return true;
    } catch (error) {
      if (isAbort(error) || !ctx.active) {
        return false;
      }
      // Health answers 503 with its report when a check is DOWN: show the report.
      if (error instanceof ApiError && error.problem && Array.isArray(error.problem.checks)) {
        await show(error.problem);
        return true;
      }
      replace(box, errorBlock(error, what));
      return false;
    }
  };

  const refresh = async () => {
    const signal = ctx.signal;
    const results = await Promise.all([
      part(statusBox, () => get('/workflows', null, { signal }), showWorkflows, 'Workflows'),
      part(chartsNote, () => get('/stats', { minutes: 15 }, { signal }), showStats, 'Traffic'),
      part(queuesBox, () => get('/queues', null, { signal }), showQueues, 'Queues'),
      part(healthBox, () => get('/observe/health', { exposureLevel: 'full', data: 'true' }, { signal }), showHealth,
        'Health'),
    ]);
    if (ctx.active) {
      const now = new Date().toISOString().slice(11, 19);
      updated.textContent = results.every(Boolean) ? `Updated ${now} UTC; refreshes every 5 s.`
        : `Updated ${now} UTC with errors; refreshes every 5 s.`;
    }
  };
  ctx.every(refresh, REFRESH_MS);
}
