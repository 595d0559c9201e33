import { ApiError, api } from './api.js';
import { authed, isSupervisor, requireSignIn, session } from './auth.js';
import { startCountdowns, syncClock } from './clock.js';
import { $, fmtBytes, fmtDate, fmtDateTime, h, queryParam, showMessage } from './dom.js';
import { FieldErrors, focusField } from './form-errors.js';
import { initI18n, onLangChange, t, tOr } from './i18n.js';

initI18n();

const code = (queryParam('code') ?? '').trim();
const path = `/api/v1/tickets/${encodeURIComponent(code)}`;
const root = $('#ticket');
const message = $('#ticket-message');
let ticket = null;
let reasons = [];
let vaccines = new Map();
let blobUrls = [];
let timer = null;

requireSignIn($('#login'), async () => {
  $('#ticket-app').hidden = false;
  await Promise.all([syncClock().catch(() => {}), loadReferences()]);
  await load();
});

async function loadReferences() {
  const [r, v] = await Promise.allSettled([
    api('/api/v1/reference/rejection-reasons'),
    api('/api/v1/reference/vaccines'),
  ]);
  if (r.status === 'fulfilled') reasons = r.value;
  if (v.status === 'fulfilled') vaccines = new Map(v.value.map((x) => [x.code, x.name]));
}

async function load() {
  try {
    ticket = await authed(path);
    render();
    await showAttachments();
  } catch (e) {
    ticket = null;
    root.replaceChildren();
    showMessage(
      message,
      'error',
      e instanceof ApiError && e.status === 404 ? t('ticket.notFound') : e.userMessage,
      e instanceof ApiError && e.status === 404 ? t('ticket.notFoundHint') : '',
    );
  }
}

const isOpen = (s) => ['ASSIGNED', 'IN_PROGRESS', 'DEFERRED'].includes(s);

/** A reason's text in the page's language, whatever shape the list uses ({ text: {vi,en} } or a string). */
export function reasonText(reason) {
  const text = reason?.text ?? reason?.label ?? reason?.name ?? reason?.description;
  if (text && typeof text === 'object') return text[document.documentElement.lang] ?? text.vi ?? reason.code;
  return text ?? tOr(`reason.${reason?.code}`, reason?.code ?? '');
}

function kv(pairs) {
  return h(
    'dl',
    { class: 'kv' },
    ...pairs
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function render() {
  const tk = ticket;
  clearInterval(timer);
  const open = isOpen(tk.status);
  const overdue = Boolean(tk.overdueSince);
  const c = tk.citizen ?? {};
  const d = tk.dose ?? null;
  root.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'ticket-title', tabindex: '-1' }, t('ticket.h1', { code: tk.trackingCode })),
      h(
        'div',
        { class: 'status-head' },
        h('span', { class: `badge badge-${tk.status}` }, tOr(`status.${tk.status}`, tk.status)),
        overdue ? h('span', { class: 'badge badge-overdue' }, t('badge.overdue')) : null,
        tk.cutoffMissed ? h('span', { class: 'badge badge-cutoff' }, t('badge.cutoffMissed')) : null,
        open ? h('span', { class: 'countdown', dataset: { due: tk.dueAt } }) : null,
      ),
    ),
    h(
      'div',
      { class: 'layout-2' },
      h(
        'div',
        {},
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'sec-report' },
          h('h2', { id: 'sec-report' }, tOr(`issue.${tk.issueType}`, tk.issueType)),
          kv([
            [t('ticket.unit'), tk.assignedUnit?.name],
            [t('confirm.received'), fmtDateTime(tk.receivedAt)],
            [t('confirm.due'), fmtDateTime(tk.dueAt)],
            [t('ticket.overdueSince'), tk.overdueSince ? fmtDateTime(tk.overdueSince) : null],
            [t('ticket.campaign'), tk.campaign ?? t('ticket.noCampaign')],
            [t('f.description'), tk.description],
          ]),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'sec-citizen' },
          h('h2', { id: 'sec-citizen' }, t('ticket.citizen')),
          kv([
            [t('f.fullName'), c.fullName],
            [t('f.dateOfBirth'), fmtDate(c.dateOfBirth)],
            [t('f.citizenIdShort'), c.citizenId],
            [t('f.phone'), c.phone],
            [t('citizen.residence'), c.ward?.name ?? c.wardName ?? c.wardCode],
          ]),
        ),
        d
          ? h(
              'section',
              { class: 'card', 'aria-labelledby': 'sec-dose' },
              h('h2', { id: 'sec-dose' }, t('citizen.dose')),
              kv([
                [t('f.doseNumber'), d.doseNumber],
                [t('f.vaccineCode'), vaccines.get(d.vaccineCode) ?? d.vaccine?.name ?? d.vaccineCode],
                [t('f.vaccinatedOn'), fmtDate(d.vaccinatedOn)],
                [t('f.dosePlace'), d.ward?.name ?? d.wardName ?? d.wardCode],
                [t('f.facilityName'), d.facilityName],
                [t('f.lotNumber'), d.lotNumber],
              ]),
            )
          : null,
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'sec-proofs' },
          h('h2', { id: 'sec-proofs' }, t('ticket.proofs')),
          tk.attachments?.length
            ? h('div', { class: 'proofs', id: 'proofs' })
            : h('p', { class: 'empty' }, t('ticket.noProofs')),
        ),
      ),
      h(
        'div',
        {},
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'sec-actions' },
          h('h2', { id: 'sec-actions' }, t('ticket.actions')),
          actions(tk),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'sec-history' },
          h('h2', { id: 'sec-history' }, t('ticket.history')),
          history(tk.history ?? []),
        ),
      ),
    ),
  );
  timer = startCountdowns(root);
}

function history(events) {
  if (!events.length) return h('p', { class: 'empty' }, t('ticket.noHistory'));
  return h(
    'ol',
    { class: 'history', reversed: true },
    ...[...events].reverse().map((e) =>
      h(
        'li',
        // Each opening of the ticket is logged (it shows the full identity number); keep those lines quiet.
        { class: e.action === 'IDENTITY_VIEWED' ? 'quiet' : '' },
        h('strong', {}, tOr(`event.${e.action}`, e.action)),
        e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus
          ? h(
              'span',
              { class: 'sub' },
              `${tOr(`status.${e.fromStatus}`, e.fromStatus)} → ${tOr(`status.${e.toStatus}`, e.toStatus)}`,
            )
          : null,
        e.fromUnitCode && e.toUnitCode
          ? h('span', { class: 'sub' }, t('ticket.transferred', { from: e.fromUnitCode, to: e.toUnitCode }))
          : null,
        e.note ? h('p', { class: 'note' }, e.note) : null,
        h(
          'span',
          { class: 'meta' },
          `${fmtDateTime(e.at)} · ${e.actor ? `${e.actor.username} (${tOr(`role.${e.actor.role}`, e.actor.role)}${e.actor.unitCode ? `, ${e.actor.unitCode}` : ''})` : t('ticket.system')}`,
        ),
      ),
    ),
  );
}

/** The workflow's actions for this status (docs/api.md, "Officials"); the server is the judge, a 409 says it changed. */
function actions(tk) {
  const open = isOpen(tk.status);
  const list = h('div', { class: 'action-list' });
  if (['ASSIGNED', 'DEFERRED'].includes(tk.status)) {
    list.append(
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary btn-block',
          id: 'action-start',
          onclick: (e) => act('start', {}, e.currentTarget),
        },
        t('action.start'),
      ),
    );
  }
  if (open) {
    list.append(
      actionForm('resolve', t('action.resolve'), 'btn-primary', [textArea('resolution', t('action.resolution'), true)]),
      actionForm('defer', t('action.defer'), 'btn-secondary', [textArea('reason', t('action.deferReason'), true)]),
      actionForm('reject', t('action.reject'), 'btn-danger', [
        selectField(
          'reasonCode',
          t('action.rejectReason'),
          reasons.map((r) => [r.code, reasonText(r)]),
        ),
        textArea('note', t('action.rejectNote'), false, t('action.rejectNoteHint')),
      ]),
      actionForm('transfer', t('action.transfer'), 'btn-secondary', [
        inputField('unitCode', t('action.unitCode'), t('action.unitCodeHint')),
        textArea('reason', t('action.transferReason'), true),
      ]),
    );
  }
  // Reopening is for a resolved or rejected report; a withdrawn one stays closed (the citizen's choice).
  if (['RESOLVED', 'REJECTED'].includes(tk.status) && isSupervisor(session())) {
    list.append(
      actionForm('reopen', t('action.reopen'), 'btn-secondary', [textArea('reason', t('action.reopenReason'), true)]),
    );
  }
  list.append(
    actionForm('comments', t('action.comment'), 'btn-secondary', [textArea('text', t('action.commentText'), true)]),
  );
  return list;
}

function fieldBox(name, label, control, hint) {
  const id = `${control.id}`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute('aria-describedby', [hintId, `${id}-error`].filter(Boolean).join(' '));
  return h(
    'div',
    { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
    control,
  );
}

let seq = 0;
function textArea(name, label, required, hint) {
  return fieldBox(
    name,
    label,
    h('textarea', { id: `a${++seq}-${name}`, name, rows: 3, maxlength: 2000, required }),
    hint,
  );
}
function inputField(name, label, hint) {
  return fieldBox(
    name,
    label,
    h('input', {
      id: `a${++seq}-${name}`,
      name,
      type: 'text',
      inputmode: 'numeric',
      maxlength: 5,
      required: true,
      autocomplete: 'off',
    }),
    hint,
  );
}
function selectField(name, label, options) {
  return fieldBox(
    name,
    label,
    h(
      'select',
      { id: `a${++seq}-${name}`, name, required: true },
      h('option', { value: '' }, t('common.choose')),
      ...options.map(([value, text]) => h('option', { value }, text)),
    ),
  );
}

function actionForm(action, title, buttonClass, fields) {
  const submit = h('button', { type: 'submit', class: `btn ${buttonClass}` }, t('action.confirm', { action: title }));
  const error = h('div', { hidden: true });
  const form = h('form', { novalidate: true, dataset: { action } }, error, ...fields, submit);
  const errors = new FieldErrors(form, null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    for (const el of form.elements) if (el.name) body[el.name] = el.value.trim();
    const missing = [...form.elements]
      .filter((el) => el.name && el.required && !el.value.trim())
      .map((el) => ({ field: el.name, message: t('v.required') }));
    if (action === 'reject' && body.reasonCode === 'OTHER' && !body.note)
      missing.push({ field: 'note', message: t('v.noteForOther') });
    if (action === 'transfer' && body.unitCode && !/^\d{2,5}$/.test(body.unitCode))
      missing.push({ field: 'unitCode', message: t('v.unitCode') });
    if (missing.length) return errors.show(missing);
    if (action === 'reject' && !body.note) delete body.note;
    errors.clear();
    await act(action, body, submit, errors, error);
  });
  return h('details', { id: `action-${action}` }, h('summary', {}, title), form);
}

async function act(action, body, button, errors, errorBox) {
  button.disabled = true;
  try {
    await authed(`${path}/${action}`, { method: 'POST', body });
    await load();
    showMessage(message, 'ok', tOr(`done.${action}`, t('done.generic')), '');
    focusMessage();
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      // Someone else acted first (or the status moved on): show what is true now.
      await load();
      showMessage(message, 'warn', t('ticket.conflict'), t('ticket.conflictHint'));
      focusMessage();
    } else if (e instanceof ApiError && e.fieldErrors.length && errors) {
      errors.show(e.fieldErrors);
    } else if (errorBox) {
      showMessage(errorBox, 'error', e.userMessage, e.problem?.detail !== e.userMessage ? e.problem?.detail : '');
    } else {
      showMessage(message, 'error', e.userMessage, '');
      focusMessage();
    }
  } finally {
    button.disabled = false;
  }
}

function focusMessage() {
  const box = message.firstElementChild;
  if (!box) return;
  box.tabIndex = -1;
  focusField(box);
}

/** Proof files need the bearer token, so they are fetched and shown from blob: URLs (allowed by the CSP). */
async function showAttachments() {
  for (const url of blobUrls) URL.revokeObjectURL(url);
  blobUrls = [];
  const box = $('#proofs');
  if (!box || !ticket?.attachments?.length) return;
  await Promise.all(
    ticket.attachments.map(async (a, i) => {
      const label = t('ticket.proofN', { n: i + 1 });
      const figure = h('figure', {}, h('p', { class: 'loading' }, t('common.loading')));
      box.append(figure);
      try {
        const res = await authed(`${path}/attachments/${encodeURIComponent(a.id)}`, { raw: true });
        const url = URL.createObjectURL(await res.blob());
        blobUrls.push(url);
        const caption = h('figcaption', {}, `${label} · ${a.contentType} · ${fmtBytes(a.size)}`);
        figure.replaceChildren(
          a.contentType?.startsWith('image/')
            ? h('a', { href: url, target: '_blank', rel: 'noopener' }, h('img', { src: url, alt: label }))
            : h('p', {}, h('a', { href: url, download: `${ticket.trackingCode}-${i + 1}.pdf` }, t('ticket.openPdf'))),
          caption,
        );
      } catch (e) {
        figure.replaceChildren(h('p', { class: 'field-error' }, e.userMessage));
      }
    }),
  );
}

onLangChange(async () => {
  if (!ticket) return;
  render();
  await showAttachments();
});
