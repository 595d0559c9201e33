import { authed, requireSignIn } from './auth.js';
import { deadlineState, startCountdowns, syncClock } from './clock.js';
import { assigneeLine } from './assignment.js';
import { $, announce, fmtDateTime, h, showMessage } from './dom.js';
import { initI18n, onLangChange, t, tOr } from './i18n.js';

initI18n();

const PAGE = 50;
const body = $('#queue-body');
const message = $('#queue-message');
const more = $('#load-more');
let items = [];
let nextCursor = null;

requireSignIn($('#login'), async () => {
  $('#queue-app').hidden = false;
  restoreFilters();
  await syncClock().catch(() => {});
  await load();
  startCountdowns(body, updateUrgency);
});

/** Filters live in the address (?status=&overdue=&issueType=), so a filtered queue can be bookmarked. */
function restoreFilters() {
  const q = new URLSearchParams(location.search);
  $('#f-status').value = q.get('status') ?? '';
  $('#f-issue').value = q.get('issueType') ?? '';
  $('#f-overdue').checked = q.get('overdue') === 'true';
  $('#f-assignee').value = q.get('assignee') ?? '';
}

function filterQuery() {
  const q = new URLSearchParams();
  if ($('#f-status').value) q.set('status', $('#f-status').value);
  if ($('#f-issue').value) q.set('issueType', $('#f-issue').value);
  if ($('#f-overdue').checked) q.set('overdue', 'true');
  if ($('#f-assignee').value) q.set('assignee', $('#f-assignee').value);
  return q;
}

async function load(cursor = null) {
  const q = filterQuery();
  q.set('limit', String(PAGE));
  if (cursor) q.set('cursor', cursor);
  more.disabled = true;
  message.hidden = true;
  try {
    const page = await authed(`/api/v1/tickets?${q}`);
    items = cursor ? [...items, ...page.items] : page.items;
    nextCursor = page.nextCursor ?? null;
    render(cursor ? page.items.length : null);
  } catch (e) {
    showMessage(message, 'error', e.userMessage, '');
  } finally {
    more.disabled = false;
  }
}

function row(ticket) {
  const state = deadlineState(ticket.dueAt).state;
  const overdue = Boolean(ticket.overdueSince) || (state === 'overdue' && isOpen(ticket));
  return h(
    'tr',
    {
      class: overdue ? 'is-overdue' : state === 'soon' && isOpen(ticket) ? 'is-soon' : '',
      dataset: { code: ticket.trackingCode },
    },
    h(
      'td',
      {},
      h(
        'a',
        { class: 'code-link', href: `/official/ticket.html?code=${encodeURIComponent(ticket.trackingCode)}` },
        ticket.trackingCode,
      ),
      h('span', { class: 'sub' }, ticket.citizen?.fullName ?? ''),
    ),
    h(
      'td',
      {},
      tOr(`issue.${ticket.issueType}`, ticket.issueType),
      ticket.dose?.doseNumber ? h('span', { class: 'sub' }, t('queue.doseN', { n: ticket.dose.doseNumber })) : null,
    ),
    h('td', {}, h('span', { class: `badge badge-${ticket.status}` }, tOr(`status.${ticket.status}`, ticket.status))),
    h('td', {}, ticket.assignedUnit?.name ?? '—', assigneeLine(ticket)),
    h(
      'td',
      {},
      isOpen(ticket) ? h('span', { class: 'countdown', dataset: { due: ticket.dueAt } }) : null,
      h('span', { class: 'sub' }, fmtDateTime(ticket.dueAt)),
      h(
        'span',
        { class: 'badges' },
        overdue ? h('span', { class: 'badge badge-overdue', dataset: { overdue: '' } }, t('badge.overdue')) : null,
        ticket.cutoffMissed ? h('span', { class: 'badge badge-cutoff' }, t('badge.cutoffMissed')) : null,
      ),
    ),
  );
}

const isOpen = (ticket) => ['ASSIGNED', 'IN_PROGRESS', 'DEFERRED'].includes(ticket.status);

function render(added) {
  const firstNew = added ? items.length - added : -1;
  body.replaceChildren(...items.map(row));
  $('#queue-empty').hidden = items.length > 0;
  more.hidden = !nextCursor;
  $('#queue-lead').textContent = t('queue.count', { n: items.length, more: nextCursor ? '+' : '' });
  updateUrgency();
  if (added) {
    announce(t('queue.loaded', { n: added }));
    body.rows[firstNew]?.querySelector('a')?.focus();
  }
}

/** A ticket whose deadline passes while the page is open gets its overdue badge without a reload. */
function updateUrgency() {
  for (const tr of body.rows) {
    const countdown = tr.querySelector('[data-due]');
    if (!countdown) continue;
    const overdue = countdown.classList.contains('overdue');
    if (overdue && !tr.querySelector('[data-overdue]')) {
      tr.className = 'is-overdue';
      tr.querySelector('.badges').prepend(
        h('span', { class: 'badge badge-overdue', dataset: { overdue: '' } }, t('badge.overdue')),
      );
    } else if (!overdue && countdown.classList.contains('soon')) tr.className = 'is-soon';
  }
}

$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = filterQuery();
  history.replaceState(null, '', q.size ? `?${q}` : location.pathname);
  load();
});
$('#refresh').addEventListener('click', () => load());
more.addEventListener('click', () => nextCursor && load(nextCursor));

onLangChange(() => render(null));
