import { ApiError, api, newIdempotencyKey } from './api.js';
import { serviceToday, syncClock } from './clock.js';
import { $, announce, fmtBytes, fmtDateTime, h, mount, showMessage } from './dom.js';
import { FieldErrors } from './form-errors.js';
import { initI18n, lang, onLangChange, t } from './i18n.js';
import { unitPicker } from './units.js';
import {
  FIRST_VACCINATION_DAY,
  checkCitizenId,
  checkDate,
  checkFiles,
  checkPhone,
  checkRequired,
  digitsOnly,
} from './validate.js';

/** Issue types for which docs/api.md ("Public") requires a dose. */
const DOSE_REQUIRED = ['MISSING_DOSE', 'WRONG_DOSE_INFO'];

initI18n();

const form = $('#report-form');
const errors = new FieldErrors(form, $('#error-summary'));
const message = $('#form-message');
const submit = $('#submit');
const dosePicker = unitPicker('dose');
const homePicker = unitPicker('home', updateResidence);
let files = [];
let lastAttempt = null;
let confirmation = null;

/** The server's privacy notice ({ version, vi, en }): shown in the page's language, its version sent with the report. */
let notice = null;

syncClock()
  .then(() => {
    $('#vaccinatedOn').max = serviceToday();
    $('#dateOfBirth').max = serviceToday();
  })
  .catch(() => {});
loadVaccines();
loadNotice();

async function loadNotice() {
  try {
    notice = await api('/api/v1/reference/privacy-notice');
    renderNotice();
    $('#consent').disabled = false;
  } catch (e) {
    showMessage(message, 'error', t('err.referenceTitle'), e.userMessage);
  }
}

/** The notice's text comes from the server, so that what the citizen reads is the version they accept. */
function renderNotice() {
  if (!notice) return;
  const text = notice[lang()] ?? notice.vi;
  $('#privacy-title').textContent = text.title;
  $('#privacy-items').replaceChildren(...text.items.map((item) => h('li', {}, item)));
  $('#consent-text').textContent = text.accept;
}

async function loadVaccines() {
  const select = $('#vaccineCode');
  try {
    const vaccines = await api('/api/v1/reference/vaccines');
    select.append(...vaccines.map((v) => h('option', { value: v.code }, v.name)));
  } catch (e) {
    showMessage(message, 'error', t('err.referenceTitle'), e.userMessage);
  }
}

const issueType = () => form.querySelector('input[name="issueType"]:checked')?.value ?? '';
const doseRequired = () => DOSE_REQUIRED.includes(issueType());
const doseIncluded = () => doseRequired() || (issueType() !== '' && $('#dose-toggle').checked);

function updateDoseSection() {
  const type = issueType();
  $('#dose-section').hidden = type === '';
  $('#dose-optional').hidden = doseRequired();
  $('#dose-fields').hidden = !doseIncluded();
  updateResidence();
}

function updateResidence() {
  // The residence is required only without a dose (docs/api.md, "Public"); say so, so nobody fills it in for nothing.
  $('#residence-optional').hidden = !doseIncluded();
}

form.addEventListener('change', (e) => {
  if (e.target.name === 'issueType' || e.target.id === 'dose-toggle') updateDoseSection();
});

$('#citizenId').addEventListener('input', (e) => {
  const cleaned = e.target.value.replace(/\D/g, '');
  if (cleaned !== e.target.value) e.target.value = cleaned;
});

$('#attachments').addEventListener('change', (e) => {
  // Files add up across choices, so a phone user can take the photos one at a time.
  files = [...files, ...e.target.files];
  e.target.value = '';
  renderFiles();
  const problem = checkFiles(files);
  if (problem) errors.show([{ field: 'attachments', message: t(problem) }]);
});

function renderFiles() {
  const list = $('#file-list');
  for (const img of list.querySelectorAll('img')) URL.revokeObjectURL(img.src);
  list.replaceChildren(
    ...files.map((file, i) =>
      h(
        'li',
        {},
        file.type.startsWith('image/') ? h('img', { src: URL.createObjectURL(file), alt: '' }) : null,
        h('span', { class: 'file-name' }, file.name),
        h('span', { class: 'file-size' }, fmtBytes(file.size)),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-quiet',
            'aria-label': t('files.removeNamed', { name: file.name }),
            onclick: () => {
              files.splice(i, 1);
              renderFiles();
              announce(t('files.removed', { name: file.name }));
              $('#attachments').focus();
            },
          },
          t('files.remove'),
        ),
      ),
    ),
  );
}

/** The page's checks; each error names the same dotted path the server would. */
function check(body) {
  const found = [];
  const add = (field, key) => key && found.push({ field, message: t(key) });
  const c = body.citizen;
  add('citizen.fullName', checkRequired(c.fullName));
  add(
    'citizen.dateOfBirth',
    checkDate(c.dateOfBirth, { min: '1900-01-01', max: serviceToday(), future: 'v.dobFuture' }),
  );
  add('citizen.phone', checkPhone(c.phone));
  add('citizen.citizenId', checkCitizenId(c.citizenId, c.dateOfBirth));
  add('issueType', body.issueType ? null : 'v.issueType');
  if (body.dose) {
    add('dose.doseNumber', checkRequired(body.dose.doseNumber));
    add(
      'dose.vaccinatedOn',
      checkDate(body.dose.vaccinatedOn, {
        min: FIRST_VACCINATION_DAY,
        max: serviceToday(),
        tooEarly: 'v.vaccinatedTooEarly',
        future: 'v.vaccinatedFuture',
      }),
    );
    add('dose.vaccineCode', checkRequired(body.dose.vaccineCode));
    if (dosePicker.incomplete()) add('dose.wardCode', 'v.wardIncomplete');
  }
  if (homePicker.incomplete()) add('citizen.wardCode', 'v.wardIncomplete');
  else if (!c.wardCode && !body.dose && body.issueType) add('citizen.wardCode', 'v.residenceRequired');
  else if (!c.wardCode && body.dose && !body.dose.wardCode && !dosePicker.incomplete())
    add('dose.wardCode', 'v.placeRequired');
  add('attachments', checkFiles(files));
  add('consent', body.consent ? null : 'v.consent');
  return found;
}

function readForm() {
  const value = (id) => $(`#${id}`).value.trim();
  const body = {
    citizen: {
      fullName: value('fullName').normalize('NFC'),
      dateOfBirth: value('dateOfBirth'),
      citizenId: digitsOnly(value('citizenId')),
      phone: value('phone').replace(/[\s.()-]/g, ''),
    },
    issueType: issueType(),
  };
  if (homePicker.value()) body.citizen.wardCode = homePicker.value();
  if (doseIncluded()) {
    body.dose = {
      doseNumber: value('doseNumber') ? Number(value('doseNumber')) : undefined,
      vaccineCode: value('vaccineCode') || undefined,
      vaccinatedOn: value('vaccinatedOn'),
      wardCode: dosePicker.value() || undefined,
      facilityName: value('facilityName').normalize('NFC') || undefined,
      lotNumber: value('lotNumber') || undefined,
    };
  }
  const description = value('description').normalize('NFC');
  if (description) body.description = description;
  if ($('#consent').checked && notice) body.consent = { noticeVersion: notice.version };
  return body;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.hidden = true;
  const body = readForm();
  const found = check(body);
  if (found.length) {
    errors.show(found);
    return;
  }
  errors.clear();
  // A retry of the same report (a double tap, a dropped connection) reuses its key: the server answers it once.
  const fingerprint = JSON.stringify([body, files.map((f) => [f.name, f.size, f.lastModified])]);
  if (lastAttempt?.fingerprint !== fingerprint) lastAttempt = { fingerprint, key: newIdempotencyKey() };
  submit.disabled = true;
  submit.textContent = t('citizen.sending');
  try {
    const options = { method: 'POST', headers: { 'Idempotency-Key': lastAttempt.key } };
    if (files.length) {
      const data = new FormData();
      data.append('report', JSON.stringify(body));
      for (const file of files) data.append('attachments', file, file.name);
      options.form = data;
    } else options.body = body;
    const res = await api('/api/v1/reports', { ...options, raw: true });
    // 200 instead of 201: the same report was already open, and this is it (docs/api.md, "Public").
    confirmation = { ...(await res.json()), repeated: res.status === 200 };
    showConfirmation(true);
  } catch (e) {
    if (e instanceof ApiError && e.fieldErrors.length) {
      errors.show(e.fieldErrors);
      // The notice changed since the page was loaded: show the new one, to be read and accepted again.
      if (e.fieldErrors.some((f) => f.field === 'consent.noticeVersion')) {
        $('#consent').checked = false;
        await loadNotice();
        showMessage(message, 'info', t('citizen.privacyChanged'), '');
      }
    } else {
      const body = e.status === 429 && e.retryAfter ? t('err.retryAfter', { s: e.retryAfter }) : e.problem?.detail;
      showMessage(message, 'error', e.userMessage, body !== e.userMessage ? body : '');
      message.scrollIntoView({ block: 'center' });
    }
  } finally {
    submit.disabled = false;
    submit.textContent = t('citizen.submit');
  }
});

function showConfirmation(moveFocus = false) {
  const c = confirmation;
  if (!c) return;
  const section = $('#confirmation');
  const copyButton = h('button', { type: 'button', class: 'btn btn-secondary', id: 'copy-code' }, t('confirm.copy'));
  const codeEl = h('span', { class: 'tracking-code', id: 'tracking-code' }, c.trackingCode);
  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(c.trackingCode);
      copyButton.textContent = t('confirm.copied');
    } catch {
      getSelection().selectAllChildren(codeEl);
      copyButton.textContent = t('confirm.selected');
    }
    announce(copyButton.textContent);
  });
  mount(
    section,
    h('div', { class: 'tick', 'aria-hidden': 'true' }, tickIcon()),
    h('h2', { id: 'confirm-title', tabindex: '-1' }, t('confirm.title')),
    c.repeated ? h('p', { class: 'alert alert-info' }, t('confirm.repeated')) : null,
    h('p', {}, t('confirm.keepCode')),
    h('div', { class: 'code-box' }, codeEl, copyButton),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('confirm.unit')),
      h('dd', {}, c.assignedUnit?.name ?? '—'),
      h('dt', {}, t('confirm.received')),
      h('dd', {}, fmtDateTime(c.receivedAt)),
      h('dt', {}, t('confirm.due')),
      h('dd', {}, fmtDateTime(c.dueAt)),
    ),
    h('p', { class: 'section-hint' }, t('confirm.next')),
    h(
      'div',
      { class: 'actions-row' },
      h(
        'a',
        { class: 'btn btn-primary', href: `/status?code=${encodeURIComponent(c.trackingCode)}` },
        t('confirm.track'),
      ),
      h('button', { type: 'button', class: 'btn btn-quiet', onclick: newReport }, t('confirm.another')),
    ),
  );
  form.hidden = true;
  $('#intro').hidden = true;
  section.hidden = false;
  if (moveFocus) {
    section.querySelector('h2').focus();
    window.scrollTo(0, 0);
  }
}

function newReport() {
  confirmation = null;
  lastAttempt = null;
  form.reset();
  files = [];
  renderFiles();
  dosePicker.clear();
  homePicker.clear();
  updateDoseSection();
  $('#confirmation').hidden = true;
  $('#intro').hidden = false;
  form.hidden = false;
  $('#fullName').focus();
}

function tickIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const s = document.createElementNS(ns, 'svg');
  s.setAttribute('viewBox', '0 0 24 24');
  s.setAttribute('width', '30');
  s.setAttribute('height', '30');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', 'm5 12.5 4.5 4.5L19 7.5');
  p.setAttribute('fill', 'none');
  p.setAttribute('stroke', 'currentColor');
  p.setAttribute('stroke-width', '2.6');
  p.setAttribute('stroke-linecap', 'round');
  p.setAttribute('stroke-linejoin', 'round');
  s.append(p);
  return s;
}

onLangChange(() => {
  if (confirmation && !$('#confirmation').hidden) showConfirmation();
  renderFiles();
  renderNotice();
  submit.textContent = t('citizen.submit');
  document.documentElement.lang = lang();
});

updateDoseSection();
