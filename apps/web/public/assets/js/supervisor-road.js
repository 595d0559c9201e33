import { authed } from './auth.js';
import { serviceToday } from './clock.js';
import { $, announce, download, fmtDateTime, fmtNumber, fmtPercent, h, showMessage } from './dom.js';
import { t } from './i18n.js';

/**
 * The road to the cutoff on the supervisor's page: the burn-down and the on-time rate by day,
 * drawn with chart.js (window.Chart, loaded same-origin by supervisor.html), each with a text
 * summary (the canvas's description) and a table behind "Show as a table" for screen readers
 * and for anyone who prefers numbers; the at-risk units; the Excel downloads.
 */

const COLORS = { actual: '#2f6fbf', needed: '#c27c00', projected: '#7b8594', onTime: '#1b7f45' };
const HOUR_MS = 3_600_000;
const charts = {};
let lastQuery = new URLSearchParams();

const fmt2 = (n) =>
  typeof n === 'number' ? new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(n) : '—';

export async function loadRoad(query) {
  lastQuery = new URLSearchParams(query);
  const box = $('#road-message');
  box.hidden = true;
  try {
    const [burn, onTime, risk] = await Promise.all([
      authed(`/api/v1/sla/burndown?${query}`),
      authed(`/api/v1/sla/on-time-by-day?${query}`),
      authed(`/api/v1/sla/at-risk?${query}`),
    ]);
    renderBurndown(burn);
    renderOnTime(onTime);
    renderRisk(risk);
  } catch (e) {
    for (const c of Object.values(charts)) c.destroy();
    for (const k of Object.keys(charts)) delete charts[k];
    $('#road-lead').textContent = '';
    showMessage(box, 'error', e.userMessage, e.problem?.detail !== e.userMessage ? e.problem?.detail : '');
  }
}

function draw(id, config) {
  charts[id]?.destroy();
  if (typeof window.Chart !== 'function') return; // the text and tables below still say everything
  charts[id] = new window.Chart($(`#${id}`), {
    ...config,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      ...config.options,
    },
  });
}

function renderBurndown(b) {
  const start = Date.parse(b.campaign.intakeFrom);
  const cutoff = Date.parse(b.campaign.cutoffAt);
  const step = b.stepMinutes * 60_000;
  const now = Date.parse(b.now);
  const steps = Math.ceil((cutoff - start) / step);
  const labels = [];
  for (let i = 1; i <= steps; i++) labels.push(Math.min(start + i * step, cutoff));
  const actual = labels.map((_, i) => (i < b.points.length ? b.points[i].open : null));
  const nowIndex = b.points.length - 1;
  const hoursLeft = Math.max(0, (cutoff - now) / HOUR_MS);
  // The needed pace: a straight line from what is open now to nothing at the cutoff.
  const needed = labels.map((at, i) =>
    i < nowIndex || nowIndex < 0 || hoursLeft === 0 ? null : Math.max(0, b.openNow * (1 - (at - now) / (cutoff - now))),
  );
  const projected = labels.map((at, i) =>
    i < nowIndex || nowIndex < 0 ? null : Math.max(0, b.openNow - (b.pacePerHour * (at - now)) / HOUR_MS),
  );
  $('#road-lead').textContent = t('road.lead', {
    campaign: b.campaign.name || b.campaign.code,
    start: fmtDateTime(b.campaign.intakeFrom),
    cutoff: fmtDateTime(b.campaign.cutoffAt),
  });
  const finish =
    b.openNow === 0 || b.projectedFinishAt
      ? t('road.finishAt', { at: fmtDateTime(b.projectedFinishAt ?? b.now) })
      : t('road.finishNever');
  $('#burn-summary').textContent = `${t('road.summary', {
    open: fmtNumber(b.openNow),
    pace: fmt2(b.pacePerHour),
    needed: fmt2(b.neededPerHour ?? 0),
    finish,
  })} ${b.onTrack ? t('road.onTrack') : t('road.offTrack')}.`;
  draw('burn-chart', {
    type: 'line',
    data: {
      labels: labels.map((at) => fmtDateTime(new Date(at).toISOString())),
      datasets: [
        {
          label: t('road.actual'),
          data: actual,
          borderColor: COLORS.actual,
          backgroundColor: COLORS.actual,
          pointRadius: 0,
          borderWidth: 2,
        },
        {
          label: t('road.needed'),
          data: needed,
          borderColor: COLORS.needed,
          backgroundColor: COLORS.needed,
          borderDash: [6, 4],
          pointRadius: 0,
          borderWidth: 2,
        },
        {
          label: t('road.projected'),
          data: projected,
          borderColor: COLORS.projected,
          backgroundColor: COLORS.projected,
          borderDash: [2, 3],
          pointRadius: 0,
          borderWidth: 2,
        },
      ],
    },
    options: {
      scales: {
        x: { ticks: { maxTicksLimit: 11, maxRotation: 0 } },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  // The table: the open count at the end of each local day (and now), not every hour.
  const rows = b.points.filter((p, i) => i === b.points.length - 1 || p.at.slice(11, 16) === '00:00');
  const days = new Map();
  for (const p of b.points) {
    const day = p.at.slice(0, 10);
    const d = days.get(day) ?? { filed: 0, closed: 0 };
    d.filed += p.filed;
    d.closed += p.closed;
    days.set(day, d);
  }
  $('#burn-table').replaceChildren(
    table(
      t('road.burnTitle'),
      [t('road.colAt'), t('road.colOpen'), t('road.colFiled'), t('road.colClosed')],
      rows.map((p) => {
        const d = days.get(
          (p.at.slice(11, 16) === '00:00' ? new Date(Date.parse(p.at) - 1).toISOString() : p.at).slice(0, 10),
        );
        return [fmtDateTime(p.at), fmtNumber(p.open), fmtNumber(d?.filed ?? 0), fmtNumber(d?.closed ?? 0)];
      }),
    ),
  );
}

function renderOnTime(o) {
  const days = o.days;
  $('#ontime-summary').textContent = days.length
    ? t('road.onTimeSummary', {
        days: days.map((d) => `${d.day.slice(8, 10)}/${d.day.slice(5, 7)} ${fmtPercent(d.onTimeRate)}`).join('; '),
      })
    : t('road.noDays');
  draw('ontime-chart', {
    type: 'bar',
    data: {
      labels: days.map((d) => `${d.day.slice(8, 10)}/${d.day.slice(5, 7)}`),
      datasets: [
        {
          label: t('road.colRate'),
          data: days.map((d) => Math.round((d.onTimeRate ?? 0) * 1000) / 10),
          backgroundColor: COLORS.onTime,
        },
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } },
      plugins: { legend: { display: false } },
    },
  });
  $('#ontime-table').replaceChildren(
    table(
      t('road.onTimeTitle'),
      [t('road.colDay'), t('road.colOnTime'), t('road.colLate'), t('road.colRate')],
      days.map((d) => [d.day, fmtNumber(d.resolvedOnTime), fmtNumber(d.resolvedLate), fmtPercent(d.onTimeRate)]),
    ),
  );
}

function renderRisk(r) {
  if (!r.units.length) {
    $('#risk-table').replaceChildren(h('p', {}, t('road.riskNone')));
    return;
  }
  $('#risk-table').replaceChildren(
    table(
      t('road.riskTitle'),
      [t('road.colUnit'), t('road.colOpen'), t('road.colPace'), t('road.colNeeded'), t('road.colFinish')],
      r.units.map((u) => [
        `${u.unit.name} (${u.unit.code})`,
        fmtNumber(u.open),
        fmt2(u.pacePerHour),
        fmt2(u.neededPerHour),
        u.projectedFinishAt ? fmtDateTime(u.projectedFinishAt) : t('road.never'),
      ]),
    ),
  );
}

function table(caption, headers, rows) {
  return h(
    'table',
    { class: 'units-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, ...headers.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
    h(
      'tbody',
      {},
      ...rows.map((cells) =>
        h('tr', {}, ...cells.map((c, i) => (i ? h('td', { class: 'num' }, c) : h('th', { scope: 'row' }, c)))),
      ),
    ),
  );
}

for (const button of document.querySelectorAll('[data-export]')) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const kind = button.dataset.export;
      const q = new URLSearchParams();
      if (lastQuery.get('unitCode')) q.set('unitCode', lastQuery.get('unitCode'));
      if (lastQuery.get('campaign')) q.set('campaign', lastQuery.get('campaign'));
      const res = await authed(`/api/v1/exports/${kind}?${q}`, { raw: true });
      const [name, ext] = kind.split('.');
      download(await res.blob(), `${name}-${q.get('unitCode') ?? 'don-vi'}-${serviceToday()}.${ext}`);
      announce(t('road.exported'));
    } catch (err) {
      showMessage($('#road-message'), 'error', err.userMessage, '');
    } finally {
      button.disabled = false;
    }
  });
}
