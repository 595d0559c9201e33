import { ApiError } from './api.js';
import { authed, requireSignIn, showEnrolment, signOut } from './auth.js';
import { $, fmtDateTime, h } from './dom.js';
import { initI18n, onLangChange, t } from './i18n.js';

initI18n();

/** The own account: change the password, enrol (or enrol again) the second factor, see and end sessions. */
let me = null;
let sessions = [];

const errorText = (e) =>
  e instanceof ApiError ? (e.fieldErrors[0]?.message ?? e.userMessage) : String(e.message ?? e);
const alertBox = (kind, text) =>
  h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);

function renderFactor() {
  $('#factor-state').textContent = me.twoFactorEnrolled
    ? t('account.factorOn', { n: me.recoveryCodesLeft })
    : t('account.factorOff');
  $('#factor-start').textContent = t(me.twoFactorEnrolled ? 'account.reenrol' : 'account.enrol');
  $('#factor-password-field').hidden = !me.twoFactorEnrolled;
}

function renderSessions() {
  $('#sessions tbody').replaceChildren(
    ...sessions.map((s) =>
      h(
        'tr',
        {},
        h('td', {}, s.userAgent ?? '—', s.current ? h('strong', {}, ` (${t('account.thisSession')})`) : null),
        h('td', {}, fmtDateTime(s.createdAt)),
        h('td', {}, fmtDateTime(s.lastUsedAt)),
        h(
          'td',
          {},
          s.current
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-small',
                  'aria-label': `${t('account.end')}: ${s.userAgent ?? ''} ${fmtDateTime(s.createdAt)}`,
                  onclick: async () => {
                    await authed(`/api/v1/auth/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
                    await load();
                  },
                },
                t('account.end'),
              ),
        ),
      ),
    ),
  );
}

async function load() {
  [me, sessions] = await Promise.all([authed('/api/v1/auth/me'), authed('/api/v1/auth/sessions')]);
  renderFactor();
  renderSessions();
}

requireSignIn($('#login'), async () => {
  $('#account-app').hidden = false;
  await load();
});

$('#password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const status = $('#password-status');
  status.replaceChildren();
  const next = $('#acc-new').value;
  if (next !== $('#acc-again').value) {
    status.replaceChildren(alertBox('error', t('auth.mismatch')));
    return;
  }
  try {
    const res = await authed('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword: $('#acc-current').value, newPassword: next },
    });
    sessionStorage.setItem('phananh.token', res.accessToken);
    sessionStorage.setItem('phananh.refresh', res.refreshToken);
    for (const id of ['#acc-current', '#acc-new', '#acc-again']) $(id).value = '';
    status.replaceChildren(alertBox('ok', t('account.passwordDone')));
    await load();
  } catch (e) {
    status.replaceChildren(alertBox('error', errorText(e)));
  }
});

$('#factor-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('#factor-error');
  error.replaceChildren();
  const step = $('#factor-step');
  try {
    await showEnrolment(
      step,
      async () => {
        step.hidden = true;
        step.replaceChildren();
        $('#factor-form').hidden = false;
        $('#factor-password').value = '';
        await load();
      },
      me.twoFactorEnrolled ? $('#factor-password').value : undefined,
    );
    $('#factor-form').hidden = true;
  } catch (e) {
    error.replaceChildren(alertBox('error', errorText(e)));
  }
});

$('#end-all').addEventListener('click', async () => {
  await authed('/api/v1/auth/logout-everywhere', { method: 'POST' }).catch(() => undefined);
  await signOut(false);
  location.reload();
});

onLangChange(() => me && (renderFactor(), renderSessions()));
