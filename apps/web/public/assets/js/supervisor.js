import { ApiError } from './api.js';
import { authed, requireSignIn } from './auth.js';
import { serviceToday, syncClock } from './clock.js';
import { $, announce, download, fmtDateTime, fmtNumber, fmtPercent, h, showMessage, svg } from './dom.js';
import { initI18n, onLangChange, t, tOr } from './i18n.js';
import { loadRoad } from './supervisor-road.js';

initI18n();

/** Bar segments, in stacking order; colours pass 3:1 against white and are named in the legend and table. */
const SEGMENTS = [
  { key: 'resolvedOnTime', color: '#1b7f45' },
  { key: 'resolvedLate', color: '#c27c00' },
  { key: 'rejected', color: '#7b8594' },
  { key: 'openOnTime', color: '#2f6fbf' },
  { key: 'overdue', color: '#c0352b' },
];
const ALERT_POLL_MS = 30_000;

let summary = null;
let alerts = [];
let alertsCursor = null;
let who = null;

requireSignIn($('#login'), async (session) => {
  who = session;
  $('#dash-app').hidden = false;
  const q = new URLSearchParams(location.search);
  $('#d-unit').value = q.get('unitCode') ?? '';
  $('#d-campaign').value = q.get('campaign') ?? '';
  await syncClock().catch(() => {});
  await Promise.all([loadSummary(), loadAlerts()]);
  setInterval(() => loadAlerts(true), ALERT_POLL_MS);
});

function summaryQuery() {
  const q = new URLSearchParams();
  const unit = $('#d-unit').value.trim();
  const campaign = $('#d-campaign').value.trim();
  if (unit) q.set('unitCode', unit);
  if (campaign) q.set('campaign', campaign);
  return q;
}

async function loadSummary() {
  const q = summaryQuery();
  history.replaceState(null, '', q.size ? `?${q}` : location.pathname);
  $('#dash-message').hidden = true;
  try {
    summary = await authed(`/api/v1/sla/summary?${q}`);
    renderSummary();
    await loadRoad(q);
  } catch (e) {
    summary = null;
    renderSummary();
    showMessage(
      $('#dash-message'),
      'error',
      e.userMessage,
      e.problem?.detail !== e.userMessage ? e.problem?.detail : '',
    );
  }
}

const unitName = (u) => (typeof u === 'string' ? u : (u?.name ?? u?.code ?? '—'));
const unitCode = (u) => (typeof u === 'string' ? u : u?.code);
const num = (v) => (typeof v === 'number' ? v : Number(v) || 0);
const openOnTime = (r) => Math.max(0, num(r.open) - num(r.overdue));

function renderSummary() {
  const s = summary;
  const rows = [...(s?.rows ?? [])].sort(
    (a, b) =>
      Number(Boolean(b.atRisk)) - Number(Boolean(a.atRisk)) ||
      num(b.overdue) - num(a.overdue) ||
      num(b.open) - num(a.open),
  );
  const total = s?.total ?? {};
  const atRiskUnits = rows.filter((r) => r.atRisk).length;
  $('#dash-lead').textContent = s ? t('dash.lead', { unit: unitName(s.unit) }) : '';
  $('#stats').replaceChildren(
    ...(s
      ? [
          stat(t('dash.received'), fmtNumber(num(total.received))),
          stat(t('dash.open'), fmtNumber(num(total.open))),
          stat(t('dash.overdue'), fmtNumber(num(total.overdue)), num(total.overdue) > 0 ? 'danger' : ''),
          stat(t('dash.onTimeRate'), fmtPercent(total.onTimeRate), 'ok'),
          stat(
            t('dash.atRisk'),
            rows.length ? fmtNumber(atRiskUnits) : total.atRisk ? t('dash.yes') : t('dash.no'),
            atRiskUnits > 0 || (!rows.length && total.atRisk) ? 'danger' : '',
            rows.length ? t('dash.atRiskUnits') : null,
          ),
        ]
      : []),
  );
  renderChart(rows);
  renderTable(rows, total);
}

function stat(label, value, kind = '', sub = null) {
  return h(
    'div',
    { class: `stat ${kind}` },
    h('span', { class: 'label' }, label),
    h('span', { class: 'value' }, value),
    sub ? h('span', { class: 'sub' }, sub) : null,
  );
}

/** An inline SVG stacked bar per unit below: how its reports stand. The table below has the same numbers. */
function renderChart(rows) {
  const shown = rows.filter((r) => num(r.received) > 0);
  const chart = $('#chart');
  $('#legend').replaceChildren(
    ...SEGMENTS.map((seg) => h('li', {}, h('span', { class: `swatch seg-${seg.key}` }), t(`dash.seg.${seg.key}`))),
  );
  if (!shown.length) {
    chart.replaceChildren(h('p', { class: 'empty' }, t('dash.noData')));
    return;
  }
  const labelW = 230;
  const barW = 330;
  const valueW = 140;
  const rowH = 36;
  const width = labelW + barW + valueW;
  const height = shown.length * rowH + 8;
  const max = Math.max(...shown.map((r) => num(r.received)), 1);
  const description = shown
    .map((r) =>
      t('dash.chartRow', {
        unit: unitName(r.unit),
        received: num(r.received),
        open: num(r.open),
        overdue: num(r.overdue),
      }),
    )
    .join('; ');
  const bars = shown.map((r, i) => {
    const y = i * rowH + 4;
    let x = labelW;
    const values = { ...r, openOnTime: openOnTime(r) };
    const segments = SEGMENTS.map((seg) => {
      const w = (num(values[seg.key]) / max) * barW;
      const rect =
        w > 0
          ? svg(
              'rect',
              { x: x.toFixed(1), y: y + 6, width: w.toFixed(1), height: rowH - 12, fill: seg.color },
              svg('title', {}, `${t(`dash.seg.${seg.key}`)}: ${num(values[seg.key])}`),
            )
          : null;
      x += w;
      return rect;
    });
    const name = unitName(r.unit);
    return svg(
      'g',
      {},
      svg(
        'text',
        {
          x: labelW - 8,
          y: y + rowH / 2 + 1,
          'text-anchor': 'end',
          'dominant-baseline': 'middle',
          class: 'chart-label',
        },
        name.length > 30 ? `${name.slice(0, 29)}…` : name,
      ),
      ...segments,
      svg(
        'text',
        {
          x: x + 6,
          y: y + rowH / 2 + 1,
          'dominant-baseline': 'middle',
          class: r.atRisk ? 'chart-value risk' : 'chart-value',
        },
        `${num(r.received)}${r.atRisk ? ` · ${t('dash.risk')}` : ''}`,
      ),
    );
  });
  chart.replaceChildren(
    svg(
      'svg',
      {
        viewBox: `0 0 ${width} ${height}`,
        role: 'img',
        'aria-labelledby': 'chart-svg-title',
        preserveAspectRatio: 'xMinYMin meet',
      },
      svg('title', { id: 'chart-svg-title' }, `${t('dash.chartTitle')}: ${description}`),
      ...bars,
    ),
  );
}

function renderTable(rows, total) {
  const cols = ['received', 'open', 'overdue', 'resolvedOnTime', 'resolvedLate', 'rejected'];
  const cell = (r, k) => h('td', { class: 'num' }, fmtNumber(num(r[k])));
  const table = h(
    'table',
    { class: 'units-table' },
    h('caption', { class: 'visually-hidden' }, t('dash.unitsTitle')),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('dash.colUnit')),
        ...cols.map((k) => h('th', { scope: 'col', class: 'num' }, t(`dash.col.${k}`))),
        h('th', { scope: 'col', class: 'num', title: t('dash.onTimeRate') }, t('dash.colRate')),
        h('th', { scope: 'col' }, t('dash.colRisk')),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          { class: num(r.received) ? '' : 'zero', dataset: { unit: unitCode(r.unit) ?? '' } },
          h(
            'th',
            { scope: 'row' },
            unitCode(r.unit) && r.unit?.level !== 'ward'
              ? h(
                  'button',
                  { type: 'button', class: 'link-button', onclick: () => drill(unitCode(r.unit)) },
                  unitName(r.unit),
                )
              : unitName(r.unit),
          ),
          ...cols.map((k) => cell(r, k)),
          h('td', { class: 'num' }, fmtPercent(r.onTimeRate)),
          h(
            'td',
            {},
            r.atRisk
              ? h('span', { class: 'badge badge-risk' }, t('dash.risk'))
              : h('span', { class: 'badge badge-fine' }, t('dash.onTrack')),
          ),
        ),
      ),
    ),
    summary
      ? h(
          'tfoot',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, t('dash.total')),
            ...cols.map((k) => cell(total, k)),
            h('td', { class: 'num' }, fmtPercent(total.onTimeRate)),
            h('td', {}, total.atRisk ? h('span', { class: 'badge badge-risk' }, t('dash.risk')) : ''),
          ),
        )
      : null,
  );
  $('#units-table').replaceChildren(rows.length ? table : h('p', { class: 'empty' }, t('dash.noUnits')));
}

function drill(code) {
  $('#d-unit').value = code;
  loadSummary().then(() => $('#dash-title').focus());
}

$('#dash-filters').addEventListener('submit', (e) => {
  e.preventDefault();
  loadSummary();
});

$('#export-csv').addEventListener('click', async (e) => {
  const button = e.currentTarget;
  button.disabled = true;
  try {
    const res = await authed(`/api/v1/sla/summary.csv?${summaryQuery()}`, { raw: true });
    const unit = $('#d-unit').value.trim() || unitCode(summary?.unit) || who?.unitCode || 'unit';
    download(await res.blob(), `sla-${unit}-${serviceToday()}.csv`);
    announce(t('dash.exported'));
  } catch (err) {
    showMessage($('#dash-message'), 'error', err.userMessage, '');
  } finally {
    button.disabled = false;
  }
});

async function loadAlerts(quiet = false, cursor = null) {
  const q = new URLSearchParams();
  if (!$('#alerts-all').checked) q.set('unacknowledged', 'true');
  if (cursor) q.set('cursor', cursor);
  try {
    const page = await authed(`/api/v1/alerts?${q}`);
    alerts = cursor ? [...alerts, ...page.items] : page.items;
    alertsCursor = page.nextCursor ?? null;
    renderAlerts();
  } catch (e) {
    if (!quiet) showMessage($('#alerts-message'), 'error', e.userMessage, '');
  }
}

/** CUTOFF_MISSED carries { total, units: [{ unit, count, trackingCodes }] }: what was left open, by unit. */
function alertSummary(a) {
  const s = a.summary;
  if (!s || typeof s !== 'object') return null;
  return h(
    'div',
    {},
    h('span', {}, t('alerts.cutoffTotal', { n: fmtNumber(num(s.total)) })),
    Array.isArray(s.units) && s.units.length
      ? h(
          'ul',
          { class: 'cutoff-units' },
          ...s.units.map((u) =>
            h(
              'li',
              {},
              `${unitName(u.unit)}: ${fmtNumber(num(u.count))}`,
              u.trackingCodes?.length
                ? h(
                    'span',
                    { class: 'sub' },
                    `${u.trackingCodes.slice(0, 6).join(', ')}${u.trackingCodes.length > 6 ? ' …' : ''}`,
                  )
                : null,
            ),
          ),
        )
      : null,
  );
}

function renderAlerts() {
  const list = $('#alerts');
  $('#alerts-message').hidden = true;
  $('#alerts-more').hidden = !alertsCursor;
  if (!alerts.length) {
    list.replaceChildren(h('li', { class: 'empty' }, t('alerts.none')));
    return;
  }
  list.replaceChildren(
    ...alerts.map((a) =>
      h(
        'li',
        { class: a.acknowledgedAt ? 'acked' : '', dataset: { alert: a.id } },
        h(
          'div',
          { class: 'alert-top' },
          h('span', { class: `badge kind-${a.kind}` }, tOr(`alerts.kind.${a.kind}`, a.kind)),
          h('strong', {}, unitName(a.unit)),
        ),
        a.ticket
          ? [
              h(
                'a',
                { class: 'code-link', href: `/official/ticket.html?code=${encodeURIComponent(a.ticket.trackingCode)}` },
                a.ticket.trackingCode,
              ),
              h(
                'span',
                {},
                `${t('confirm.due')}: ${fmtDateTime(a.ticket.dueAt)} · ${tOr(`status.${a.ticket.status}`, a.ticket.status)}`,
              ),
            ]
          : null,
        alertSummary(a),
        h(
          'span',
          { class: 'sub' },
          `${fmtDateTime(a.createdAt)}${a.campaign ? ` · ${t('ticket.campaign')} ${a.campaign}` : ''}`,
        ),
        a.acknowledgedAt
          ? h('span', { class: 'sub' }, t('alerts.ackedAt', { at: fmtDateTime(a.acknowledgedAt) }))
          : h(
              'div',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-secondary btn-small',
                  'aria-label': t('alerts.ackNamed', { what: a.ticket?.trackingCode ?? unitName(a.unit) }),
                  onclick: (e) => acknowledge(a, e.currentTarget),
                },
                t('alerts.ack'),
              ),
            ),
      ),
    ),
  );
}

async function acknowledge(alert, button) {
  button.disabled = true;
  try {
    await authed(`/api/v1/alerts/${encodeURIComponent(alert.id)}/ack`, { method: 'POST' });
    if ($('#alerts-all').checked) await loadAlerts();
    else {
      alerts = alerts.filter((a) => a.id !== alert.id);
      renderAlerts();
    }
    announce(t('alerts.acked'));
    const next = $('#alerts button') ?? $('#alerts-title');
    next.tabIndex = next.tagName === 'H2' ? -1 : 0;
    next.focus();
  } catch (e) {
    button.disabled = false;
    if (e instanceof ApiError && e.status === 404) await loadAlerts();
    showMessage($('#alerts-message'), 'error', e.userMessage, '');
  }
}

$('#alerts-all').addEventListener('change', () => loadAlerts());
$('#alerts-more').addEventListener('click', () => alertsCursor && loadAlerts(false, alertsCursor));

onLangChange(() => {
  renderSummary();
  if (summary) loadRoad(summaryQuery());
  renderAlerts();
});
