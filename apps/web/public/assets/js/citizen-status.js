import { ApiError, api } from './api.js';
import { $, fmtDateTime, h, mount, queryParam, showMessage } from './dom.js';
import { FieldErrors } from './form-errors.js';
import { initI18n, onLangChange, t, tOr } from './i18n.js';
import { checkPhone, checkRequired, digitsOnly } from './validate.js';

initI18n();

const form = $('#lookup-form');
const errors = new FieldErrors(form, $('#error-summary'));
const message = $('#lookup-message');
const result = $('#result');
const submit = $('#lookup-submit');
let report = null;
/** The pair the shown report was found with (kept in memory only): a withdrawal sends it again. */
let shownWith = null;
/** The citizen asked to withdraw and has not yet confirmed or cancelled. */
let confirming = false;
const OPEN = ['ASSIGNED', 'IN_PROGRESS', 'DEFERRED'];

const codeInput = $('#trackingCode');
codeInput.value = (queryParam('code') ?? '').toUpperCase();
(codeInput.value ? $('#citizenId') : codeInput).focus();

codeInput.addEventListener('input', () => {
  const upper = codeInput.value.toUpperCase();
  if (upper !== codeInput.value) codeInput.value = upper;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.hidden = true;
  const trackingCode = codeInput.value.trim().toUpperCase();
  const citizenId = digitsOnly($('#citizenId').value);
  // Optional: only a merged report's pointer needs it (the server checks it as the filing form does).
  const phone = $('#phone').value.trim();
  const found = [];
  if (checkRequired(trackingCode)) found.push({ field: 'trackingCode', message: t('v.required') });
  if (!/^\d{12}$/.test(citizenId))
    found.push({ field: 'citizenId', message: t(citizenId ? 'v.idLength' : 'v.required') });
  const phoneProblem = phone ? checkPhone(phone) : null;
  if (phoneProblem) found.push({ field: 'phone', message: t(phoneProblem) });
  if (found.length) return errors.show(found);
  errors.clear();
  submit.disabled = true;
  confirming = false;
  try {
    const body = phone ? { trackingCode, citizenId, phone } : { trackingCode, citizenId };
    report = await api('/api/v1/reports/lookup', { method: 'POST', body });
    shownWith = { trackingCode, citizenId };
    render();
    result.querySelector('h2').focus();
  } catch (e) {
    report = null;
    shownWith = null;
    result.hidden = true;
    if (e instanceof ApiError && e.status === 404)
      showMessage(message, 'warn', t('status.notFound'), t('status.notFoundHint'));
    else if (e instanceof ApiError && e.fieldErrors.length) errors.show(e.fieldErrors);
    else
      showMessage(
        message,
        'error',
        e.userMessage,
        e.status === 429 ? t('err.retryAfter', { s: e.retryAfter ?? 60 }) : '',
      );
  } finally {
    submit.disabled = false;
  }
});

/** Opting out of this report's SMS and e-mail (tracking code + identity number, as found). */
function optOutPart() {
  if (!shownWith) return null;
  return h(
    'div',
    { class: 'opt-out' },
    h('button', { type: 'button', id: 'opt-out', class: 'btn btn-quiet', onclick: optOut }, t('optOut.button')),
  );
}

async function optOut() {
  const button = $('#opt-out');
  button.disabled = true;
  message.hidden = true;
  try {
    await api('/api/v1/reports/opt-out', {
      method: 'POST',
      body: { trackingCode: shownWith.trackingCode, citizenId: shownWith.citizenId },
    });
    showMessage(message, 'ok', t('optOut.done'));
  } catch (e) {
    button.disabled = false;
    showMessage(
      message,
      'error',
      e.userMessage,
      e.status === 429 ? t('err.retryAfter', { s: e.retryAfter ?? 60 }) : (e.problem?.detail ?? ''),
    );
  }
}

/** Withdrawal, for an open report: a button, then a confirmation in place (keyboard focus moves to it). */
function withdrawPart(r) {
  if (!OPEN.includes(r.status) || !shownWith) return null;
  if (!confirming)
    return h(
      'div',
      { class: 'withdraw' },
      h(
        'button',
        {
          type: 'button',
          id: 'withdraw',
          class: 'btn btn-quiet',
          onclick: () => {
            confirming = true;
            render();
            $('#withdraw-confirm-title').focus();
          },
        },
        t('withdraw.button'),
      ),
    );
  return h(
    'div',
    {
      class: 'alert alert-warn withdraw',
      id: 'withdraw-confirm',
      role: 'group',
      'aria-labelledby': 'withdraw-confirm-title',
    },
    h('h3', { id: 'withdraw-confirm-title', tabindex: '-1' }, t('withdraw.confirmTitle')),
    h('p', {}, t('withdraw.confirmText')),
    h(
      'div',
      { class: 'actions-row' },
      h(
        'button',
        { type: 'button', id: 'withdraw-yes', class: 'btn btn-danger', onclick: withdraw },
        t('withdraw.yes'),
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'withdraw-no',
          class: 'btn btn-quiet',
          onclick: () => {
            confirming = false;
            render();
            $('#withdraw').focus();
          },
        },
        t('withdraw.no'),
      ),
    ),
  );
}

async function withdraw() {
  for (const b of result.querySelectorAll('.withdraw button')) b.disabled = true;
  message.hidden = true;
  try {
    report = await api('/api/v1/reports/withdraw', { method: 'POST', body: shownWith });
    confirming = false;
    render();
    showMessage(message, 'ok', t('withdraw.done'));
    result.querySelector('h2').focus();
  } catch (e) {
    for (const b of result.querySelectorAll('.withdraw button')) b.disabled = false;
    showMessage(
      message,
      'error',
      e.userMessage,
      e.status === 429 ? t('err.retryAfter', { s: e.retryAfter ?? 60 }) : (e.problem?.detail ?? ''),
    );
  }
}

const unitName = (r) => r.assignedUnit?.name ?? r.unit?.name ?? r.assignedUnitName ?? r.unitName ?? '—';

/** The rejection as the lookup gives it: { code, text, nextStep } in whatever shape the server chose. */
function rejectionOf(r) {
  const rej = r.rejection ?? r.rejectionReason ?? r.reason ?? null;
  if (!rej && r.status !== 'REJECTED') return null;
  const obj = typeof rej === 'string' ? { text: rej } : (rej ?? {});
  return {
    code: obj.code ?? obj.reasonCode,
    text: obj.text ?? obj.label ?? obj.reason ?? obj.message ?? (obj.code ? tOr(`reason.${obj.code}`, obj.code) : ''),
    note: obj.note ?? r.rejectionNote ?? null,
    nextStep: obj.nextStep ?? r.nextStep ?? t('status.rejectedNext'),
  };
}

function render() {
  const r = report;
  if (!r) return;
  const rejection = r.status === 'REJECTED' ? rejectionOf(r) : null;
  const resolution = r.resolution ?? r.resolutionNote ?? null;
  const timeline = r.timeline ?? r.events ?? r.history ?? [];
  mount(
    result,
    h(
      'div',
      { class: 'status-head' },
      h('h2', { id: 'result-title', tabindex: '-1' }, t('status.resultTitle', { code: r.trackingCode ?? '' })),
      h('span', { class: `badge badge-${r.status}` }, tOr(`status.${r.status}`, r.status)),
    ),
    h('p', {}, tOr(`statusHint.${r.status}`, '')),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('confirm.unit')),
      h('dd', {}, unitName(r)),
      r.receivedAt ? [h('dt', {}, t('confirm.received')), h('dd', {}, fmtDateTime(r.receivedAt))] : null,
      r.dueAt ? [h('dt', {}, t('confirm.due')), h('dd', {}, fmtDateTime(r.dueAt))] : null,
    ),
    r.status === 'MERGED' && r.mergedInto
      ? h(
          'div',
          { class: 'alert alert-info', id: 'merged-into' },
          h('h3', {}, t('status.mergedTitle')),
          h('p', {}, t('status.followCode', { code: r.mergedInto })),
          h(
            'p',
            {},
            h(
              'a',
              { href: `/status?code=${encodeURIComponent(r.mergedInto)}` },
              t('status.followLink', { code: r.mergedInto }),
            ),
          ),
        )
      : null,
    r.status === 'RESOLVED'
      ? h(
          'div',
          { class: 'alert alert-ok' },
          h('h3', {}, t('status.resolvedTitle')),
          h('p', {}, resolution || t('status.resolvedHint')),
        )
      : null,
    rejection
      ? h(
          'div',
          { class: 'alert alert-warn' },
          h('h3', {}, t('status.rejectedTitle')),
          h('p', {}, h('strong', {}, `${t('status.reason')}: `), rejection.text || '—'),
          rejection.note ? h('p', {}, rejection.note) : null,
          h('h3', {}, t('status.whatNext')),
          h('p', {}, rejection.nextStep),
        )
      : null,
    timeline.length
      ? [
          h('h3', {}, t('status.timeline')),
          h(
            'ol',
            { class: 'timeline' },
            ...timeline.map((e) => {
              const kind = e.action ?? e.event ?? e.type ?? e.kind ?? '';
              const text = e.text ?? e.description ?? e.label ?? tOr(`event.${kind}`, kind);
              const extra = e.unit?.name ?? e.unitName ?? e.toUnit?.name ?? null;
              return h(
                'li',
                {},
                h('time', { datetime: e.at ?? e.occurredAt ?? '' }, fmtDateTime(e.at ?? e.occurredAt)),
                h('span', { class: 'what' }, text),
                extra ? h('span', { class: 'note' }, extra) : null,
                e.note || e.reason ? h('span', { class: 'note' }, e.note ?? e.reason?.text ?? e.reason) : null,
              );
            }),
          ),
        ]
      : null,
    withdrawPart(r),
    optOutPart(),
  );
  result.hidden = false;
}

onLangChange(render);
