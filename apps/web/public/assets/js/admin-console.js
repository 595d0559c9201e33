import { ApiError } from './api.js';
import { authed, requireSignIn, token } from './auth.js';
import { $, $$, announce, download, fmtDateTime, h, showMessage } from './dom.js';
import { initI18n, lang, onLangChange, t, tOr } from './i18n.js';

/**
 * The admin console: officials (list, filter, create, import with a dry run, change, reset, disable/enable),
 * campaigns, webhooks and their dead deliveries, the audit log. Everything through the public API, which
 * decides the admin's reach (a provincial admin sees its province only).
 */
initI18n();

const AUDIT_ACTIONS = [
  'USER_CREATED',
  'USERS_IMPORTED',
  'USER_CHANGED',
  'USER_DISABLED',
  'USER_ENABLED',
  'PASSWORD_RESET',
  'TOTP_RESET',
  'IDENTITY_VIEWED',
  'ATTACHMENT_DOWNLOADED',
  'EXPORT',
  'QUEUE_PAGE',
];

const state = { users: [], usersCursor: null, editing: null, dead: [], deadCursor: null, audit: [], auditCursor: null };
let who = null;

requireSignIn($('#login'), async (session) => {
  who = session;
  $('#adm-app').hidden = false;
  if (who.role !== 'ADMIN') {
    showMessage($('#adm-message'), 'error', t('adm.onlyAdmins'));
    return;
  }
  $('#adm-reach').textContent = who.unitCode ? t('adm.reachProvince', { unit: who.unitCode }) : t('adm.reachNational');
  $('#a-action').append(...AUDIT_ACTIONS.map((a) => h('option', { value: a }, a)));
  onLangChange(renderAll);
  await Promise.all([loadUsers(), loadCampaigns(), loadWebhooks(), loadDead(), loadAudit()]);
});

function renderAll() {
  renderUsers();
  renderCampaigns();
  renderWebhooks();
  renderDead();
  renderAudit();
}

/** A table with a caption read by screen readers; `rows` are arrays of cells (text or nodes). */
function table(caption, headers, rows) {
  if (!rows.length) return h('p', { class: 'empty', text: t('adm.none') });
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col', text: x })))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c ?? '—'))))),
  );
}

/** Shows a failed call in `box` (the field errors listed), and announces it. */
function showError(box, e) {
  const details = e instanceof ApiError ? e.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ') : '';
  showMessage(box, 'error', e.userMessage ?? t('err.generic'), details || (e.problem?.detail ?? ''));
}

const roleName = (role) => tOr(`adm.role.${role}`, role);
/** A calendar day in Viet Nam as the instant it starts (+07:00), or the instant it ends. */
const dayStart = (ymd) => `${ymd}T00:00:00+07:00`;
const dayAfter = (ymd) => {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return `${d.toISOString().slice(0, 10)}T00:00:00+07:00`;
};

// ---------------------------------------------------------------- officials

function userQuery() {
  const q = new URLSearchParams({ limit: '50' });
  const unit = $('#f-unit').value.trim();
  if (unit) q.set('unitCode', unit);
  for (const [id, name] of [
    ['#f-role', 'role'],
    ['#f-enabled', 'enabled'],
    ['#f-totp', 'totpEnrolled'],
  ])
    if ($(id).value) q.set(name, $(id).value);
  if ($('#f-quiet').value) q.set('lastLoginBefore', dayStart($('#f-quiet').value));
  return q;
}

async function loadUsers(more = false) {
  const q = userQuery();
  if (more && state.usersCursor) q.set('cursor', state.usersCursor);
  try {
    const page = await authed(`/api/v1/admin/users?${q}`);
    state.users = more ? [...state.users, ...page.items] : page.items;
    state.usersCursor = page.nextCursor;
    renderUsers();
    if (!more) announce(t('adm.usersShown', { n: state.users.length }));
  } catch (e) {
    showError($('#adm-message'), e);
  }
}

function userState(u) {
  const parts = [u.disabledAt ? t('adm.disabled') : t('adm.enabled')];
  if (u.passwordChangeRequired) parts.push(t('adm.mustChange'));
  return parts.join(' · ');
}

function renderUsers() {
  const rows = state.users.map((u) => [
    h('span', { class: 'code-link', text: u.username }),
    u.fullName,
    roleName(u.role),
    u.unitCode ?? t('adm.national'),
    u.email ?? '—',
    userState(u),
    u.totpEnrolledAt ? t('adm.totpOn') : t('adm.totpOff'),
    u.lastLoginAt ? fmtDateTime(u.lastLoginAt) : t('adm.never'),
    h(
      'div',
      { class: 'action-list adm-actions' },
      h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => startEdit(u) }, t('adm.edit')),
      h(
        'button',
        { type: 'button', class: 'btn btn-quiet', onclick: () => toggle(u) },
        u.disabledAt ? t('adm.enable') : t('adm.disable'),
      ),
      h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => resetPassword(u) }, t('adm.resetPassword')),
      h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => resetTotp(u) }, t('adm.resetTotp')),
    ),
  ]);
  $('#users-table').replaceChildren(
    table(
      t('adm.officials'),
      [
        t('adm.username'),
        t('adm.fullName'),
        t('adm.role'),
        t('adm.unit'),
        t('adm.email'),
        t('adm.state'),
        t('adm.totp'),
        t('adm.lastLogin'),
        t('adm.actions'),
      ],
      rows,
    ),
  );
  for (const [tr, u] of $$('#users-table tbody tr').map((tr, i) => [tr, state.users[i]])) tr.dataset.user = u.username;
  $('#users-more').hidden = !state.usersCursor;
}

/** Replaces one official in the list with the server's answer. */
function updated(user) {
  state.users = state.users.map((u) => (u.id === user.id ? user : u));
  renderUsers();
}

function startEdit(u) {
  state.editing = u;
  $('#u-edit-title').textContent = t('adm.editTitle', { user: u.username });
  $('#e-role').value = u.role;
  $('#e-unit').value = u.unitCode ?? '';
  $('#e-email').value = u.email ?? '';
  $('#e-error').hidden = true;
  $('#u-edit').hidden = false;
  $('#e-role').focus();
}

function endEdit() {
  const username = state.editing?.username;
  state.editing = null;
  $('#u-edit').hidden = true;
  $(`#users-table tr[data-user="${CSS.escape(username ?? '')}"] button`)?.focus();
}

async function saveEdit(event) {
  event.preventDefault();
  const u = state.editing;
  if (!u) return;
  const body = {};
  const unit = $('#e-unit').value.trim() || null;
  const email = $('#e-email').value.trim() || null;
  if ($('#e-role').value !== u.role) body.role = $('#e-role').value;
  if (unit !== u.unitCode) body.unitCode = unit;
  if (email !== u.email) body.email = email;
  try {
    updated(await authed(`/api/v1/admin/users/${u.id}`, { method: 'PATCH', body }));
    showMessage($('#user-result'), 'ok', t('adm.saved', { user: u.username }));
    endEdit();
  } catch (e) {
    showError($('#e-error'), e);
  }
}

async function toggle(u) {
  if (!u.disabledAt && !confirm(t('adm.confirmDisable', { user: u.username }))) return;
  try {
    updated(await authed(`/api/v1/admin/users/${u.id}/${u.disabledAt ? 'enable' : 'disable'}`, { method: 'POST' }));
    showMessage($('#user-result'), 'ok', t(u.disabledAt ? 'adm.enabledOk' : 'adm.disabledOk', { user: u.username }));
  } catch (e) {
    showError($('#user-result'), e);
  }
}

/** A one-time password, shown once in a box the admin can read aloud or copy. */
function showTemporary(username, password) {
  const box = $('#user-result');
  box.replaceChildren(
    h(
      'div',
      { class: 'alert alert-ok', role: 'status' },
      h('h2', { text: t('adm.temporaryTitle', { user: username }) }),
      h('p', { class: 'code-box', id: 'temporary-password', text: password }),
      h('p', { text: t('adm.temporaryHint') }),
    ),
  );
  box.hidden = false;
  box.querySelector('.alert').setAttribute('tabindex', '-1');
  box.querySelector('.alert').focus();
}

async function resetPassword(u) {
  if (!confirm(t('adm.confirmReset', { user: u.username }))) return;
  try {
    const res = await authed(`/api/v1/admin/users/${u.id}/reset-password`, { method: 'POST' });
    showTemporary(u.username, res.temporaryPassword);
    await loadUsers();
  } catch (e) {
    showError($('#user-result'), e);
  }
}

async function resetTotp(u) {
  if (!confirm(t('adm.confirmResetTotp', { user: u.username }))) return;
  try {
    await authed(`/api/v1/admin/users/${u.id}/reset-2fa`, { method: 'POST' });
    showMessage($('#user-result'), 'ok', t('adm.totpResetOk', { user: u.username }));
    await loadUsers();
  } catch (e) {
    showError($('#user-result'), e);
  }
}

async function createUser(event) {
  event.preventDefault();
  $('#c-error').hidden = true;
  const body = {
    username: $('#c-username').value.trim(),
    fullName: $('#c-name').value.trim(),
    role: $('#c-role').value,
  };
  if ($('#c-unit').value.trim()) body.unitCode = $('#c-unit').value.trim();
  if ($('#c-email').value.trim()) body.email = $('#c-email').value.trim();
  try {
    const user = await authed('/api/v1/admin/users', { method: 'POST', body });
    $('#u-create').reset();
    showTemporary(user.username, user.temporaryPassword);
    await loadUsers();
  } catch (e) {
    showError($('#c-error'), e);
  }
}

/** The chosen file's bytes, sent as they are (the server reads the BOM, the delimiter and the columns). */
async function importCall(path) {
  const file = $('#i-file').files[0];
  if (!file) throw new ApiError(400, { title: t('adm.importNoFile') });
  const res = await fetch(path, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token()}`,
      'Content-Type': 'text/csv',
      'Accept-Language': lang() === 'en' ? 'en' : 'vi',
    },
    body: file,
    cache: 'no-store',
  });
  if (!res.ok) {
    const problem = await res.json().catch(() => ({ title: t('err.generic') }));
    throw new ApiError(res.status, problem, res.headers);
  }
  return res;
}

function importProblems(problems) {
  return table(
    t('adm.importProblems'),
    [t('adm.line'), t('adm.column'), t('adm.problem')],
    problems.map((p) => [String(p.line), tOr(`adm.col.${p.field}`, p.field), p.message]),
  );
}

async function checkImport() {
  $('#i-run').disabled = true;
  const box = $('#i-result');
  try {
    const report = await (await importCall('/api/v1/admin/users/import/dry-run')).json();
    if (report.valid) {
      showMessage(box, 'ok', t('adm.importValid', { n: report.rows }));
      $('#i-run').disabled = false;
    } else {
      showMessage(box, 'error', t('adm.importInvalid', { n: report.problems.length, rows: report.rows }));
      box.append(
        h(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('adm.importProblems') },
          importProblems(report.problems),
        ),
      );
    }
  } catch (e) {
    showError(box, e);
  }
}

async function runImport(event) {
  event.preventDefault();
  const box = $('#i-result');
  $('#i-run').disabled = true;
  try {
    const res = await importCall('/api/v1/admin/users/import');
    // The bytes as sent (with the BOM Excel needs to read UTF-8); text() would drop it.
    const blob = await res.blob();
    const count = (await blob.text()).split('\r\n').filter(Boolean).length - 1;
    download(blob, 'mat-khau-tam-thoi.csv');
    showMessage(box, 'ok', t('adm.imported', { n: count }), t('adm.importedHint'));
    $('#u-import').reset();
    await loadUsers();
  } catch (e) {
    showError(box, e);
    if (e.fieldErrors?.length) {
      const problems = e.fieldErrors.map((f) => {
        const m = /^rows\[(\d+)\]\.(\w+)$/.exec(f.field);
        return { line: m ? Number(m[1]) : 0, field: m ? m[2] : f.field, message: f.message };
      });
      box.append(importProblems(problems));
    }
  }
}

// ---------------------------------------------------------------- campaigns

let campaigns = [];
async function loadCampaigns() {
  try {
    campaigns = await authed('/api/v1/admin/campaigns');
    renderCampaigns();
  } catch (e) {
    showError($('#adm-message'), e);
  }
}

function renderCampaigns() {
  $('#campaigns-table').replaceChildren(
    table(
      t('adm.campaigns'),
      [t('adm.code'), t('adm.name'), t('adm.intakeFrom'), t('adm.intakeToExcl'), t('adm.cutoff'), t('adm.hours')],
      campaigns.map((c) => [
        c.code,
        c.name,
        fmtDateTime(c.intakeFrom),
        fmtDateTime(c.intakeTo),
        fmtDateTime(c.cutoffAt),
        String(c.handlingHours),
      ]),
    ),
  );
  // Campaigns bind every province: only a national admin creates one (the server says so too).
  $('#k-create').hidden = Boolean(who?.unitCode);
}

async function createCampaign(event) {
  event.preventDefault();
  $('#k-error').hidden = true;
  const day = (id) => $(id).value;
  try {
    await authed('/api/v1/admin/campaigns', {
      method: 'POST',
      body: {
        code: $('#k-code').value.trim(),
        name: $('#k-name').value.trim(),
        intakeFrom: day('#k-from') && dayStart(day('#k-from')),
        intakeTo: day('#k-to') && dayAfter(day('#k-to')),
        cutoffAt: day('#k-cutoff') && dayAfter(day('#k-cutoff')),
        handlingHours: Number($('#k-hours').value),
      },
    });
    $('#k-create').reset();
    showMessage($('#k-error'), 'ok', t('adm.campaignCreated'));
    await loadCampaigns();
  } catch (e) {
    showError($('#k-error'), e);
  }
}

// ---------------------------------------------------------------- webhooks

let webhooks = [];
async function loadWebhooks() {
  try {
    webhooks = await authed('/api/v1/admin/webhooks');
    renderWebhooks();
  } catch (e) {
    showError($('#adm-message'), e);
  }
}

function renderWebhooks() {
  $('#webhooks-table').replaceChildren(
    table(
      t('adm.webhooks'),
      [t('adm.url'), t('adm.events'), t('adm.unit'), t('adm.createdAt')],
      webhooks.map((w) => [w.url, w.events.join(', '), w.unitCode ?? t('adm.national'), fmtDateTime(w.createdAt)]),
    ),
  );
}

async function createWebhook(event) {
  event.preventDefault();
  $('#w-error').hidden = true;
  try {
    await authed('/api/v1/admin/webhooks', {
      method: 'POST',
      body: {
        url: $('#w-url').value.trim(),
        secret: $('#w-secret').value,
        events: $$('input[name="w-event"]:checked').map((c) => c.value),
      },
    });
    $('#w-create').reset();
    showMessage($('#w-error'), 'ok', t('adm.webhookCreated'));
    await loadWebhooks();
  } catch (e) {
    showError($('#w-error'), e);
  }
}

async function loadDead(more = false) {
  const q = new URLSearchParams({ status: 'DEAD', limit: '20' });
  if (more && state.deadCursor) q.set('cursor', state.deadCursor);
  try {
    const page = await authed(`/api/v1/admin/webhook-deliveries?${q}`);
    state.dead = more ? [...state.dead, ...page.items] : page.items;
    state.deadCursor = page.nextCursor;
    renderDead();
  } catch (e) {
    showError($('#adm-message'), e);
  }
}

function renderDead() {
  $('#dead-table').replaceChildren(
    table(
      t('adm.dead'),
      [t('adm.url'), t('adm.event'), t('adm.attempts'), t('adm.lastError'), t('adm.lastAttempt'), t('adm.actions')],
      state.dead.map((d) => [
        d.url,
        d.kind,
        String(d.attempts),
        d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—'),
        fmtDateTime(d.lastAttemptAt),
        h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => retry(d) }, t('adm.retry')),
      ]),
    ),
  );
  $('#dead-more').hidden = !state.deadCursor;
}

async function retry(d) {
  try {
    await authed(`/api/v1/admin/webhook-deliveries/${d.id}/retry`, { method: 'POST' });
    announce(t('adm.retried'));
    await loadDead();
  } catch (e) {
    showError($('#adm-message'), e);
  }
}

// ---------------------------------------------------------------- audit

async function loadAudit(more = false) {
  const q = new URLSearchParams({ limit: '50' });
  if ($('#a-actor').value.trim()) q.set('actor', $('#a-actor').value.trim());
  if ($('#a-action').value) q.set('action', $('#a-action').value);
  if (more && state.auditCursor) q.set('cursor', state.auditCursor);
  try {
    const page = await authed(`/api/v1/admin/audit?${q}`);
    state.audit = more ? [...state.audit, ...page.items] : page.items;
    state.auditCursor = page.nextCursor;
    renderAudit();
  } catch (e) {
    showError($('#adm-message'), e);
  }
}

/** What changed, as "role: OFFICER → SUPERVISOR"; other details as key: value. */
function auditDetails(r) {
  const d = r.details ?? {};
  if (d.before && d.after) {
    return Object.keys(d.after)
      .map((k) => `${tOr(`adm.col.${k}`, k)}: ${d.before[k] ?? '—'} → ${d.after[k] ?? '—'}`)
      .join('; ');
  }
  const facts = { ...(r.query ?? {}), ...d };
  const text = Object.entries(facts)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${tOr(`adm.col.${k}`, k)}: ${v}`)
    .join('; ');
  return r.ticketCodes?.length ? [text, r.ticketCodes.join(', ')].filter(Boolean).join(' — ') : text || '—';
}

function renderAudit() {
  $('#audit-table').replaceChildren(
    table(
      t('adm.audit'),
      [t('adm.at'), t('adm.action'), t('adm.actor'), t('adm.subject'), t('adm.details')],
      state.audit.map((r) => [
        fmtDateTime(r.at),
        tOr(`adm.act.${r.action}`, r.action),
        r.actor ? `${r.actor.username}${r.actor.unitCode ? ` (${r.actor.unitCode})` : ''}` : t('adm.system'),
        r.subject?.username ?? '—',
        auditDetails(r),
      ]),
    ),
  );
  $('#audit-more').hidden = !state.auditCursor;
}

// ---------------------------------------------------------------- wiring

$('#u-filters').addEventListener('submit', (e) => {
  e.preventDefault();
  loadUsers();
});
$('#users-more').addEventListener('click', () => loadUsers(true));
$('#u-edit').addEventListener('submit', saveEdit);
$('#e-cancel').addEventListener('click', endEdit);
$('#u-edit').addEventListener('keydown', (e) => {
  if (e.key === 'Escape') endEdit();
});
$('#u-create').addEventListener('submit', createUser);
$('#i-check').addEventListener('click', checkImport);
$('#i-file').addEventListener('change', () => {
  $('#i-run').disabled = true;
  $('#i-result').hidden = true;
});
$('#u-import').addEventListener('submit', runImport);
$('#k-create').addEventListener('submit', createCampaign);
$('#w-create').addEventListener('submit', createWebhook);
$('#dead-more').addEventListener('click', () => loadDead(true));
$('#a-filters').addEventListener('submit', (e) => {
  e.preventDefault();
  loadAudit();
});
$('#audit-more').addEventListener('click', () => loadAudit(true));
