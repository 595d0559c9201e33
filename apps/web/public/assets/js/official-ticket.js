import { ApiError, api } from './api.js';
import { authed, isSupervisor, requireSignIn, session } from './auth.js';
import { startCountdowns, syncClock } from './clock.js';
import { $, fmtBytes, fmtDate, fmtDateTime, h, mount, queryParam, showMessage } from './dom.js';
import { assignmentBox } from './assignment.js';
import { FieldErrors, focusField } from './form-errors.js';
import { initI18n, onLangChange, t, tOr } from './i18n.js';
import { fillTemplatePicker, loadTemplates } from './templates.js';

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
  mount(
    root,
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
    tk.mergedInto
      ? h(
          'div',
          { class: 'alert alert-info', id: 'merged-into' },
          h('p', {}, t('ticket.mergedInto', { code: tk.mergedInto })),
          h('p', {}, h('a', { href: ticketHref(tk.mergedInto) }, t('ticket.openKept', { code: tk.mergedInto }))),
        )
      : null,
    tk.possibleDuplicates?.length ? duplicates(tk) : null,
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
            // Erased at the end of retention (docs/api.md, "Personal data and its end"): the fields below are gone.
            [t('ticket.personalDataErased'), tk.personalDataErasedAt ? fmtDateTime(tk.personalDataErasedAt) : null],
            [t('f.fullName'), c.fullName],
            [t('f.dateOfBirth'), c.dateOfBirth ? fmtDate(c.dateOfBirth) : null],
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
          assignmentBox(tk, act),
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

const ticketHref = (c) => `/official/ticket.html?code=${encodeURIComponent(c)}`;
const maskId = (id) => (id && id.length > 6 ? `${id.slice(0, 3)}${'*'.repeat(id.length - 6)}${id.slice(-3)}` : id);
const maskPhone = (p) =>
  p && p.length > 7 && !p.includes('*') ? `${p.slice(0, 5)}${'*'.repeat(p.length - 8)}${p.slice(-3)}` : p;

/** The comparable facts of a ticket or of a possible duplicate, as one column of the comparison. */
function facts(x, own) {
  const d = x.dose;
  return {
    status: h('span', { class: `badge badge-${x.status}` }, tOr(`status.${x.status}`, x.status)),
    received: fmtDateTime(x.receivedAt),
    due: fmtDateTime(x.dueAt),
    unit: x.assignedUnit?.name ?? '—',
    issue: tOr(`issue.${x.issueType}`, x.issueType),
    dose: d
      ? t('dup.doseValue', {
          n: d.doseNumber,
          vaccine: vaccines.get(d.vaccineCode) ?? d.vaccineCode ?? '—',
          date: fmtDate(d.vaccinatedOn),
        })
      : '—',
    place: d ? [d.facilityName, d.wardCode].filter(Boolean).join(' · ') : '—',
    name: x.citizen?.fullName ?? '—',
    citizenId: own ? maskId(x.citizen?.citizenId) : x.citizen?.citizenId,
    phone: (own ? maskPhone(x.citizen?.phone) : x.citizen?.phone) ?? '—',
    samePhone: own ? '—' : t(x.samePhone ? 'dup.yes' : 'dup.no'),
    photos: String(own ? (x.attachments ?? []).filter((a) => !a.fromTrackingCode).length : x.attachmentCount),
  };
}

/**
 * The possible duplicates side by side with this ticket (a column each), and the two ways to merge an open
 * pair: the other report into this one, or this one into the other. Both go through a confirmation.
 */
function duplicates(tk) {
  const mine = facts(tk, true);
  const others = tk.possibleDuplicates.map((x) => ({ x, f: facts(x, false) }));
  const rows = [
    ['status', t('dup.status')],
    ['received', t('confirm.received')],
    ['due', t('confirm.due')],
    ['unit', t('ticket.unit')],
    ['issue', t('dup.issue')],
    ['dose', t('dup.dose')],
    ['place', t('f.dosePlace')],
    ['name', t('f.fullName')],
    ['citizenId', t('f.citizenIdShort')],
    ['phone', t('f.phone')],
    ['samePhone', t('dup.samePhone')],
    ['photos', t('dup.photos')],
  ];
  // Text facts that differ from this ticket's are marked, so that a difference catches the eye.
  const compared = new Set(['issue', 'dose', 'place', 'name', 'citizenId']);
  const confirmBox = h('div', { id: 'merge-confirm', class: 'merge-confirm', hidden: true });
  /** A button that asks to merge `from` into `into` (the confirmation comes first). */
  const mergeButton = (from, into, label) =>
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-secondary btn-small',
        dataset: { mergeFrom: from, mergeInto: into },
        onclick: (e) => askMerge(confirmBox, from, into, e.currentTarget),
      },
      label,
    );
  const canMerge = (x) => isOpen(tk.status) && isOpen(x.status);
  const table = h(
    'table',
    { class: 'compare-table' },
    h('caption', { class: 'visually-hidden' }, t('dup.caption')),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('dup.field')),
        h('th', { scope: 'col' }, `${t('dup.this')} · ${tk.trackingCode}`),
        ...others.map(({ x }) =>
          h('th', { scope: 'col' }, h('a', { href: ticketHref(x.trackingCode) }, x.trackingCode)),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map(([key, label]) =>
        h(
          'tr',
          { dataset: { fact: key } },
          h('th', { scope: 'row' }, label),
          h('td', {}, mine[key]),
          ...others.map(({ f }) =>
            h('td', { class: compared.has(key) && f[key] !== mine[key] ? 'differs' : null }, f[key]),
          ),
        ),
      ),
      others.some(({ x }) => canMerge(x))
        ? h(
            'tr',
            { dataset: { fact: 'merge' } },
            h('th', { scope: 'row' }, t('dup.merge')),
            h('td', {}),
            ...others.map(({ x }) =>
              h(
                'td',
                {},
                canMerge(x)
                  ? h(
                      'div',
                      { class: 'merge-actions' },
                      mergeButton(
                        x.trackingCode,
                        tk.trackingCode,
                        t('dup.mergeThatIntoThis', { code: x.trackingCode }),
                      ),
                      mergeButton(
                        tk.trackingCode,
                        x.trackingCode,
                        t('dup.mergeThisIntoThat', { code: x.trackingCode }),
                      ),
                    )
                  : null,
              ),
            ),
          )
        : null,
    ),
  );
  return h(
    'section',
    { class: 'card', id: 'duplicates', 'aria-labelledby': 'sec-duplicates' },
    h('h2', { id: 'sec-duplicates' }, t('dup.title')),
    h('p', { class: 'section-hint' }, t('dup.lead')),
    h('div', { class: 'table-wrap' }, table),
    confirmBox,
  );
}

/** The confirmation of a merge of `from` into `into`, with an optional note; Cancel puts the focus back. */
function askMerge(box, from, into, opener) {
  const title = t('dup.confirmTitle', { from, into });
  const note = h('textarea', { id: 'merge-note', name: 'note', rows: 2, maxlength: 2000 });
  const error = h('div', { hidden: true });
  const confirmButton = h(
    'button',
    { type: 'submit', class: 'btn btn-danger', id: 'merge-confirm-button' },
    t('dup.confirm'),
  );
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'merge-confirm-title' },
    h('h3', { id: 'merge-confirm-title', tabindex: '-1' }, title),
    h('p', {}, t('dup.confirmBody', { from, into })),
    error,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'merge-note' }, t('dup.note'), ' ', h('span', { class: 'optional' }, t('common.optional'))),
      note,
    ),
    h(
      'div',
      { class: 'actions-row' },
      confirmButton,
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-quiet',
          onclick: () => {
            box.hidden = true;
            box.replaceChildren();
            opener?.focus();
          },
        },
        t('dup.cancel'),
      ),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await merge(from, into, note.value.trim(), confirmButton, error);
  });
  box.replaceChildren(
    h('div', { class: 'alert alert-warn', role: 'group', 'aria-labelledby': 'merge-confirm-title' }, form),
  );
  box.hidden = false;
  box.querySelector('h3').focus();
}

async function merge(from, into, note, button, errorBox) {
  button.disabled = true;
  try {
    await authed(`/api/v1/tickets/${encodeURIComponent(from)}/merge`, {
      method: 'POST',
      body: note ? { into, note } : { into },
    });
    await load();
    const here = from === ticket?.trackingCode;
    showMessage(message, 'ok', here ? t('done.mergedThere', { code: into }) : t('done.mergedHere', { code: from }), '');
    focusMessage();
  } catch (e) {
    if (e instanceof ApiError && (e.status === 409 || e.status === 404)) {
      // Either report changed or moved meanwhile: show what is true now, and the service's reason.
      await load();
      showMessage(message, 'warn', e.userMessage, t('ticket.conflictHint'));
      focusMessage();
    } else {
      showMessage(errorBox, 'error', e.userMessage, '');
    }
  } finally {
    button.disabled = false;
  }
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
        e.action === 'ASSIGNEE_CHANGED'
          ? h('span', { class: 'sub' }, t('assign.change', { from: e.fromAssignee ?? '—', to: e.toAssignee ?? '—' }))
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
      resolveForm(tk),
      actionForm('defer', t('action.defer'), 'btn-secondary', [textArea('reason', t('action.deferReason'), true)]),
      rejectForm(tk),
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

/** Approve, with the unit's resolution templates offered (they fill the text, which stays editable). */
function resolveForm(tk) {
  const text = textArea('resolution', t('action.resolution'), true);
  const picker = templatePicker();
  loadTemplates({ kind: 'RESOLUTION', unitCode: tk.assignedUnit?.code }).then((list) =>
    fillTemplatePicker(picker.select, list, text.querySelector('textarea')),
  );
  return actionForm('resolve', t('action.resolve'), 'btn-primary', [picker.box, text]);
}

/**
 * Reject: picking a reason writes its default note (unless the official wrote their own) and
 * offers the unit's rejection templates for that reason.
 */
function rejectForm(tk) {
  const reason = selectField(
    'reasonCode',
    t('action.rejectReason'),
    reasons.map((r) => [r.code, reasonText(r)]),
  );
  const noteBox = textArea('note', t('action.rejectNote'), false, t('action.rejectNoteHint'));
  const note = noteBox.querySelector('textarea');
  const picker = templatePicker();
  let defaultNote = '';
  const offer = (reasonCode) =>
    loadTemplates({ kind: 'REJECTION', reasonCode, unitCode: tk.assignedUnit?.code }).then((list) =>
      fillTemplatePicker(picker.select, list, note),
    );
  reason.querySelector('select').addEventListener('change', (e) => {
    const chosen = reasons.find((r) => r.code === e.currentTarget.value);
    if (!note.value.trim() || note.value === defaultNote) note.value = chosen?.defaultNote ?? '';
    defaultNote = note.value;
    offer(e.currentTarget.value);
  });
  offer('');
  return actionForm('reject', t('action.reject'), 'btn-danger', [reason, picker.box, noteBox]);
}

/** A reply-template picker (no name: it is not sent; it fills the text). */
function templatePicker() {
  const select = h('select', { id: `a${++seq}-template`, 'aria-describedby': `a${seq}-template-hint` });
  const box = h(
    'div',
    { class: 'field' },
    h('label', { for: select.id }, t('tpl.label')),
    h('p', { class: 'hint', id: `a${seq}-template-hint` }, t('tpl.hint')),
    select,
  );
  return { box, select };
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
        const from = a.fromTrackingCode ? ` · ${t('ticket.proofFrom', { code: a.fromTrackingCode })}` : '';
        const caption = h('figcaption', {}, `${label} · ${a.contentType} · ${fmtBytes(a.size)}${from}`);
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
