import { api } from './api.js';
import { authed, requireSignIn } from './auth.js';
import { deadlineState, startCountdowns, syncClock } from './clock.js';
import { assigneeLine } from './assignment.js';
import { $, $$, announce, fmtDateTime, h, showMessage } from './dom.js';
import { FieldErrors } from './form-errors.js';
import { initI18n, onLangChange, t, tOr } from './i18n.js';
import { fillTemplatePicker, loadTemplates } from './templates.js';

initI18n();

const PAGE = 50;
/** The most tickets one bulk request takes (docs/api.md, "Bulk actions"). */
const BULK_MAX = 200;
const body = $('#queue-body');
const message = $('#queue-message');
const more = $('#load-more');
const bulkForm = $('#bulk-form');
const bulkErrors = new FieldErrors(bulkForm, null);
let items = [];
let nextCursor = null;
/** Tracking codes of the selected tickets (kept across "load more"). */
const selected = new Set();
/** The row index of the last checkbox clicked: the anchor of a shift-click range. */
let anchor = null;
/** The row the keyboard is on (J/K). */
let current = -1;
let reasons = [];

requireSignIn($('#login'), async () => {
  $('#queue-app').hidden = false;
  restoreFilters();
  await syncClock().catch(() => {});
  reasons = await api('/api/v1/reference/rejection-reasons').catch(() => []);
  fillReasons();
  await showBulkFields();
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
    if (!cursor) {
      selected.clear();
      anchor = null;
      current = -1;
    }
    nextCursor = page.nextCursor ?? null;
    render(cursor ? page.items.length : null);
  } catch (e) {
    showMessage(message, 'error', e.userMessage, '');
  } finally {
    more.disabled = false;
  }
}

const ticketHref = (code) => `/official/ticket.html?code=${encodeURIComponent(code)}`;

function row(ticket, index) {
  const state = deadlineState(ticket.dueAt).state;
  const overdue = Boolean(ticket.overdueSince) || (state === 'overdue' && isOpen(ticket));
  const classes = [overdue ? 'is-overdue' : state === 'soon' && isOpen(ticket) ? 'is-soon' : ''];
  if (ticket.bulkProblem) classes.push('is-failed');
  if (index === current) classes.push('is-current');
  return h(
    'tr',
    { class: classes.filter(Boolean).join(' '), dataset: { code: ticket.trackingCode, index: String(index) } },
    h(
      'td',
      { class: 'col-select' },
      h('input', {
        type: 'checkbox',
        class: 'row-select',
        'aria-label': t('queue.selectOne', { code: ticket.trackingCode }),
        checked: selected.has(ticket.trackingCode),
        onclick: (e) => toggle(index, e.currentTarget.checked, e.shiftKey),
      }),
    ),
    h(
      'td',
      {},
      h('a', { class: 'code-link', href: ticketHref(ticket.trackingCode) }, ticket.trackingCode),
      h('span', { class: 'sub' }, ticket.citizen?.fullName ?? ''),
    ),
    h(
      'td',
      {},
      tOr(`issue.${ticket.issueType}`, ticket.issueType),
      ticket.dose?.doseNumber ? h('span', { class: 'sub' }, t('queue.doseN', { n: ticket.dose.doseNumber })) : null,
    ),
    h(
      'td',
      {},
      h('span', { class: `badge badge-${ticket.status}` }, tOr(`status.${ticket.status}`, ticket.status)),
      ticket.bulkProblem ? h('span', { class: 'sub failed' }, ticket.bulkProblem) : null,
    ),
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
  updateSelection();
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
      tr.classList.remove('is-soon');
      tr.classList.add('is-overdue');
      tr.querySelector('.badges').prepend(
        h('span', { class: 'badge badge-overdue', dataset: { overdue: '' } }, t('badge.overdue')),
      );
    } else if (!overdue && countdown.classList.contains('soon')) tr.classList.add('is-soon');
  }
}

// --- Selection: checkboxes, shift-click ranges, the whole page ---

/** Checks or unchecks row `index`; with shift, every row from the last one clicked to it. */
function toggle(index, checked, range) {
  const from = range && anchor !== null ? Math.min(anchor, index) : index;
  const to = range && anchor !== null ? Math.max(anchor, index) : index;
  for (let i = from; i <= to; i++) {
    if (checked) selected.add(items[i].trackingCode);
    else selected.delete(items[i].trackingCode);
  }
  anchor = index;
  updateSelection();
}

function updateSelection() {
  for (const tr of body.rows) tr.querySelector('.row-select').checked = selected.has(tr.dataset.code);
  const all = $('#select-all');
  const onPage = items.filter((i) => selected.has(i.trackingCode)).length;
  all.checked = items.length > 0 && onPage === items.length;
  all.indeterminate = onPage > 0 && onPage < items.length;
  $('#bulk-count').textContent = t('bulk.selected', { n: selected.size });
}

$('#select-all').addEventListener('change', (e) => {
  for (const i of items) {
    if (e.currentTarget.checked) selected.add(i.trackingCode);
    else selected.delete(i.trackingCode);
  }
  anchor = null;
  updateSelection();
});
$('#bulk-clear').addEventListener('click', () => {
  selected.clear();
  anchor = null;
  updateSelection();
});

// --- Keyboard: J/K next/previous, Enter or O open, X select, B the bulk bar ---

function moveTo(index) {
  if (!items.length) return;
  current = Math.max(0, Math.min(items.length - 1, index));
  for (const tr of body.rows) tr.classList.toggle('is-current', Number(tr.dataset.index) === current);
  const link = body.rows[current]?.querySelector('a');
  link?.focus();
  link?.scrollIntoView({ block: 'nearest' });
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  if (e.target.closest?.('input, textarea, select, [contenteditable]') || $('#queue-app').hidden) return;
  const key = e.key.toLowerCase();
  if (key === 'j') moveTo(current + 1);
  else if (key === 'k') moveTo(current < 0 ? 0 : current - 1);
  else if (key === 'o' && current >= 0) location.assign(ticketHref(items[current].trackingCode));
  else if (key === 'x' && current >= 0) {
    toggle(current, !selected.has(items[current].trackingCode), e.shiftKey);
    body.rows[current]?.querySelector('a')?.focus();
  } else if (key === 'b') $('#bulk-action').focus();
  else return;
  e.preventDefault();
});

// --- The bulk action bar ---

function fillReasons() {
  $('#bulk-reasonCode').replaceChildren(
    h('option', { value: '' }, t('common.choose')),
    ...reasons.map((r) => h('option', { value: r.code }, r.text)),
  );
}

/** Shows the fields of the chosen action, and the templates that go with it. */
async function showBulkFields() {
  const action = $('#bulk-action').value;
  for (const box of $$('[data-for]', bulkForm)) box.hidden = !box.dataset.for.split(' ').includes(action);
  $('label[for="bulk-reason"]').textContent = t(action === 'transfer' ? 'action.transferReason' : 'action.deferReason');
  if (action === 'resolve' || action === 'reject') {
    const reasonCode = action === 'reject' ? $('#bulk-reasonCode').value : '';
    const templates = await loadTemplates({ kind: action === 'resolve' ? 'RESOLUTION' : 'REJECTION', reasonCode });
    fillTemplatePicker($('#bulk-template'), templates, $(action === 'resolve' ? '#bulk-resolution' : '#bulk-note'));
  }
}

let defaultNote = '';
$('#bulk-action').addEventListener('change', () => showBulkFields());
$('#bulk-reasonCode').addEventListener('change', () => {
  // The reason's default note, unless the official has written one of their own.
  const note = $('#bulk-note');
  const reason = reasons.find((r) => r.code === $('#bulk-reasonCode').value);
  if (!note.value.trim() || note.value === defaultNote) note.value = reason?.defaultNote ?? '';
  defaultNote = note.value;
  showBulkFields();
});

bulkForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const errorBox = $('#bulk-error');
  errorBox.hidden = true;
  if (!selected.size) return showMessage(errorBox, 'error', t('bulk.none'), '');
  if (selected.size > BULK_MAX) return showMessage(errorBox, 'error', t('bulk.tooMany'), '');
  const action = $('#bulk-action').value;
  const request = { action };
  const missing = [];
  const need = (name, ok = (v) => v) => {
    const value = $(`#bulk-${name}`).value.trim();
    if (!ok(value))
      missing.push({ field: name, message: t(name === 'unitCode' && value ? 'v.unitCode' : 'v.required') });
    if (value) request[name] = value;
  };
  if (action === 'resolve') need('resolution');
  if (action === 'defer' || action === 'transfer') need('reason');
  if (action === 'transfer') need('unitCode', (v) => /^\d{2,5}$/.test(v));
  if (action === 'reject') {
    need('reasonCode');
    const note = $('#bulk-note').value.trim();
    if (note) request.note = note;
    else if (request.reasonCode === 'OTHER') missing.push({ field: 'note', message: t('v.noteForOther') });
  }
  if (missing.length) return bulkErrors.show(missing);
  bulkErrors.clear();
  const byCode = new Map(items.map((i) => [i.trackingCode, i]));
  request.items = [...selected].map((code) => ({ trackingCode: code, version: byCode.get(code)?.version ?? 1 }));
  const button = $('#bulk-apply');
  button.disabled = true;
  try {
    const answer = await authed('/api/v1/tickets/bulk', { method: 'POST', body: request });
    showResults(answer, byCode);
  } catch (err) {
    // Field errors next to their fields; the message (with every field's, e.g. `items`) above the form.
    if (err.fieldErrors?.length) bulkErrors.show(err.fieldErrors);
    showMessage(errorBox, 'error', err.userMessage, err.problem?.detail !== err.userMessage ? err.problem?.detail : '');
  } finally {
    button.disabled = false;
  }
});

/** Each ticket's outcome: in the list below the bar, and on its row (new status, or the problem). */
function showResults(answer, byCode) {
  for (const r of answer.results) {
    const ticket = byCode.get(r.trackingCode);
    if (r.ok) {
      selected.delete(r.trackingCode);
      if (ticket) Object.assign(ticket, { status: r.status, version: r.version, bulkProblem: null });
    } else if (ticket) ticket.bulkProblem = r.problem.title;
  }
  const box = $('#bulk-results');
  box.className = 'bulk-results';
  box.replaceChildren(
    h(
      'div',
      { class: `alert alert-${answer.failed ? 'warn' : 'ok'}`, role: 'status', tabindex: '-1', id: 'bulk-summary' },
      h('h3', {}, t('bulk.done', { done: answer.done, failed: answer.failed })),
    ),
    h('h3', { class: 'visually-hidden' }, t('bulk.results')),
    h(
      'ul',
      { 'aria-label': t('bulk.results') },
      ...answer.results.map((r) =>
        h(
          'li',
          { class: r.ok ? 'ok' : 'failed', dataset: { code: r.trackingCode, outcome: r.ok ? 'ok' : r.problem.code } },
          h('a', { class: 'code-link', href: ticketHref(r.trackingCode) }, r.trackingCode),
          ': ',
          r.ok ? t('bulk.okStatus', { status: tOr(`status.${r.status}`, r.status) }) : r.problem.title,
        ),
      ),
    ),
  );
  box.hidden = false;
  render(null);
  $('#bulk-summary').focus();
  announce(t('bulk.done', { done: answer.done, failed: answer.failed }));
}

$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = filterQuery();
  history.replaceState(null, '', q.size ? `?${q}` : location.pathname);
  load();
});
$('#refresh').addEventListener('click', () => load());
more.addEventListener('click', () => nextCursor && load(nextCursor));

onLangChange(async () => {
  reasons = await api('/api/v1/reference/rejection-reasons').catch(() => reasons);
  const reason = $('#bulk-reasonCode').value;
  fillReasons();
  $('#bulk-reasonCode').value = reason;
  await showBulkFields();
  render(null);
});
