import { ApiError, api } from './api.js';
import { $, h } from './dom.js';
import { onLangChange, t, tOr } from './i18n.js';

const KEY = 'phananh.token';
const REFRESH_KEY = 'phananh.refresh';
const EXPIRES_KEY = 'phananh.expiresAt';
const USER_KEY = 'phananh.username';

/**
 * Tokens live in sessionStorage: they end with the tab, and other sites cannot read them. The
 * access token is short-lived (15 minutes); the refresh token renews it silently, before it
 * expires and on any 401, so an official works a whole shift without the password again.
 */
function read(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function token() {
  return read(KEY);
}

function store(res, username) {
  try {
    sessionStorage.setItem(KEY, res.accessToken);
    sessionStorage.setItem(REFRESH_KEY, res.refreshToken);
    sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + res.expiresIn * 1000));
    if (username) sessionStorage.setItem(USER_KEY, username);
  } catch {
    /* storage unavailable: this page keeps working until it is left */
  }
  void claimSession();
  scheduleRefresh();
}

/**
 * One tab per session. A tab the browser duplicates starts with a copy of this tab's
 * sessionStorage, refresh token included: whichever of the two renewed second would present a
 * token already rotated, and the service ends the whole session on such reuse (docs/api.md). So
 * a tab holds a Web Lock named after its session while it is open, and a tab that finds its
 * session's lock held by another is a copy: it signs in on its own. A reloaded tab waits a moment
 * for the page it replaces to let go of the lock. Without Web Locks (a page served over plain
 * HTTP), tabs are not told apart.
 */
let claimed = { id: null, release: () => undefined };

/** Takes this tab's session's lock: true once held; false when another tab keeps it past `waitMs` (if given). */
async function claimSession(waitMs) {
  const id = read(REFRESH_KEY)?.split('.')[0];
  if (!id || id === claimed.id || !navigator.locks) return true;
  claimed.release();
  const abort = new AbortController();
  const timer = waitMs === undefined ? undefined : setTimeout(() => abort.abort(), waitMs);
  try {
    claimed = await new Promise((resolve, reject) => {
      const hold = () => new Promise((release) => resolve({ id, release }));
      navigator.locks.request(`phananh.session.${id}`, { signal: abort.signal }, hold).catch(reject);
    });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function clear() {
  claimed.release();
  claimed = { id: null, release: () => undefined };
  try {
    for (const key of [KEY, REFRESH_KEY, EXPIRES_KEY, USER_KEY]) sessionStorage.removeItem(key);
  } catch {
    /* storage unavailable: nothing to clear */
  }
}

function decodePayload(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      [...atob(part)].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    return JSON.parse(json);
  } catch {
    return {};
  }
}

/** Who is signed in, as far as the token says (for display only: the server decides what is allowed). */
export function session() {
  const jwt = token();
  if (!jwt) return null;
  // No expiry check here: the token's exp may be on the service's simulated clock. A 401 renews or ends the session.
  const claims = decodePayload(jwt);
  return {
    username: read(USER_KEY) ?? claims.username ?? '',
    role: claims.role ?? '',
    unitCode: claims.unit ?? claims.unitCode ?? '',
  };
}

let refreshing = null;
let timer = null;

/** Renews the access token with the refresh token (one renewal at a time per page). True when renewed. */
export function refreshNow() {
  refreshing ??= (async () => {
    const refreshToken = read(REFRESH_KEY);
    if (!refreshToken) return false;
    try {
      store(await api('/api/v1/auth/refresh', { method: 'POST', body: { refreshToken } }));
      return true;
    } catch (e) {
      // The session is over (ended, replaced, expired): sign in again. A network error keeps the tokens.
      if (e instanceof ApiError && e.status === 401) clear();
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Renews a minute before the access token expires (in real time, whatever the service's clock). */
function scheduleRefresh() {
  clearTimeout(timer);
  const expiresAt = Number(read(EXPIRES_KEY));
  if (!expiresAt || !read(REFRESH_KEY)) return;
  const delay = Math.max(5_000, expiresAt - Date.now() - 60_000);
  timer = setTimeout(async () => {
    if (await refreshNow()) scheduleRefresh();
  }, delay);
}

export async function signOut(reload = true) {
  const current = token();
  if (current && reload) await api('/api/v1/auth/logout', { method: 'POST', token: current }).catch(() => undefined);
  clearTimeout(timer);
  clear();
  if (reload) location.reload();
}

const PENDING = new Set([
  'urn:phananh:problem:password-change-required',
  'urn:phananh:problem:two-factor-enrolment-required',
]);

/**
 * An API call with the bearer token. A 401 renews the token once and retries; if the session is
 * over, the page asks to sign in again. A 403 of the gate (password to change, factor to enrol)
 * reloads the page, which then shows that step.
 */
export async function authed(path, options = {}) {
  try {
    return await api(path, { ...options, token: token() });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      if (await refreshNow()) return api(path, { ...options, token: token() });
      clear();
      location.reload();
    }
    if (e instanceof ApiError && e.status === 403 && PENDING.has(e.problem.type)) location.reload();
    throw e;
  }
}

/** Shows who is signed in, a link to the account page, and a sign-out button, in the header's `.session` slot. */
function renderSession() {
  const slot = $('#session');
  if (!slot) return;
  const who = session();
  if (!who) {
    slot.replaceChildren();
    return;
  }
  slot.replaceChildren(
    h(
      'a',
      { href: '/official/account', id: 'account-link' },
      h('span', { class: 'visually-hidden', text: t('auth.signedInAs') }),
      [who.username, who.role ? tOr(`role.${who.role}`, who.role) : '', who.unitCode].filter(Boolean).join(' · '),
    ),
    h('button', { type: 'button', class: 'lang-switch', onclick: () => signOut() }, t('auth.signOut')),
  );
}

const alertBox = (message) => h('div', { class: 'alert alert-error', role: 'alert' }, message);
const field = (id, labelKey, attrs = {}) =>
  h(
    'div',
    { class: 'field' },
    h('label', { for: id, 'data-i18n': labelKey }, t(labelKey)),
    h('input', { id, name: id, required: true, ...attrs }),
  );
const submitButton = (key) =>
  h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-i18n': key }, t(key));

/** A card form in `container` whose submit runs `action` (errors shown in it, the first field focused). */
function stepForm(container, titleKey, hintKey, fields, submitKey, action, extra = []) {
  const error = h('div', { class: 'step-error', hidden: true });
  const submit = submitButton(submitKey);
  const form = h(
    'form',
    { class: 'card login', novalidate: true },
    h('h1', { 'data-i18n': titleKey }, t(titleKey)),
    hintKey ? h('p', { class: 'section-hint', 'data-i18n': hintKey }, t(hintKey)) : null,
    error,
    ...fields,
    submit,
    ...extra,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      await action();
    } catch (e) {
      const message = e instanceof ApiError ? (e.fieldErrors[0]?.message ?? e.userMessage) : String(e.message ?? e);
      error.replaceChildren(alertBox(message));
      error.hidden = false;
      form.querySelector('input')?.focus();
    } finally {
      submit.disabled = false;
    }
  });
  container.replaceChildren(form);
  container.hidden = false;
  form.querySelector('input')?.focus();
  return form;
}

/** The forced password change (first sign-in, after an admin's reset). */
function showPasswordChange(container, done) {
  const form = stepForm(
    container,
    'auth.changeTitle',
    'auth.changeHint',
    [
      field('current-password', 'auth.currentPassword', { type: 'password', autocomplete: 'current-password' }),
      field('new-password', 'auth.newPassword', { type: 'password', autocomplete: 'new-password', minlength: 12 }),
      field('new-password-again', 'auth.newPasswordAgain', { type: 'password', autocomplete: 'new-password' }),
    ],
    'auth.changeSubmit',
    async () => {
      const next = $('#new-password', form).value;
      if (next !== $('#new-password-again', form).value) throw new Error(t('auth.mismatch'));
      const res = await api('/api/v1/auth/password', {
        method: 'POST',
        token: token(),
        body: { currentPassword: $('#current-password', form).value, newPassword: next },
      });
      store(res);
      done(res);
    },
  );
}

/**
 * Enrolment of a second factor: the QR code and the key as text, confirmed with a first code;
 * then the ten recovery codes, shown once. `password`: needed when replacing an enrolled factor.
 */
export async function showEnrolment(container, done, password) {
  const enrolment = await api('/api/v1/auth/2fa/enrolment', {
    method: 'POST',
    token: token(),
    body: password ? { password } : {},
  });
  const form = stepForm(
    container,
    'auth.enrolTitle',
    'auth.enrolHint',
    [
      h('img', { id: 'enrol-qr', src: enrolment.qrCode, width: 200, height: 200, alt: t('auth.enrolQrAlt') }),
      h(
        'p',
        {},
        h('span', { 'data-i18n': 'auth.enrolKey' }, t('auth.enrolKey')),
        ' ',
        h('code', { id: 'enrol-secret', class: 'secret' }, enrolment.secret.replace(/(.{4})/g, '$1 ').trim()),
      ),
      field('enrol-code', 'auth.code', {
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
        pattern: '[0-9]{6}',
        maxlength: 6,
      }),
    ],
    'auth.enrolSubmit',
    async () => {
      const res = await api('/api/v1/auth/2fa/enrolment/confirm', {
        method: 'POST',
        token: token(),
        body: { code: $('#enrol-code', form).value.replace(/\s/g, '') },
      });
      showRecoveryCodes(container, res.recoveryCodes, done);
    },
  );
}

function showRecoveryCodes(container, codes, done) {
  const next = h(
    'button',
    { type: 'button', id: 'recovery-done', class: 'btn btn-primary btn-block', 'data-i18n': 'auth.recoveryDone' },
    t('auth.recoveryDone'),
  );
  next.addEventListener('click', () => done());
  container.replaceChildren(
    h(
      'section',
      { class: 'card login', 'aria-labelledby': 'recovery-title' },
      h('h1', { id: 'recovery-title', 'data-i18n': 'auth.recoveryTitle' }, t('auth.recoveryTitle')),
      h('p', { class: 'section-hint', 'data-i18n': 'auth.recoveryHint' }, t('auth.recoveryHint')),
      h(
        'ul',
        { id: 'recovery-codes', class: 'recovery-codes' },
        codes.map((c) => h('li', {}, h('code', {}, c))),
      ),
      next,
    ),
  );
  container.hidden = false;
  next.focus();
}

/** After the tokens: the forced change and the enrolment first, then the page. */
function afterSignIn(container, flags, start) {
  if (flags.passwordChangeRequired) {
    showPasswordChange(container, (res) => afterSignIn(container, res, start));
    return;
  }
  if (flags.twoFactorEnrolmentRequired) {
    showEnrolment(container, () => afterSignIn(container, {}, start)).catch((e) => {
      container.replaceChildren(alertBox(e.userMessage ?? String(e)));
    });
    return;
  }
  container.hidden = true;
  container.replaceChildren();
  renderSession();
  start(session());
}

/** The code step: the authenticator's 6 digits, or a recovery code. */
function showCodeStep(container, challenge, username, start) {
  let recovery = false;
  const input = () => $('#code', container);
  const toggle = h(
    'button',
    { type: 'button', id: 'use-recovery', class: 'btn-link', 'data-i18n': 'auth.useRecovery' },
    t('auth.useRecovery'),
  );
  const form = stepForm(
    container,
    'auth.codeTitle',
    'auth.codeHint',
    [field('code', 'auth.code', { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 32 })],
    'auth.codeSubmit',
    async () => {
      const value = input().value.trim();
      const res = await api('/api/v1/auth/login/code', {
        method: 'POST',
        body: recovery ? { challenge, recoveryCode: value } : { challenge, code: value.replace(/\s/g, '') },
      });
      store(res, username);
      afterSignIn(container, res, start);
    },
    [toggle],
  );
  toggle.addEventListener('click', () => {
    recovery = !recovery;
    const label = $('label[for=code]', form);
    label.dataset.i18n = recovery ? 'auth.recoveryCode' : 'auth.code';
    label.textContent = t(label.dataset.i18n);
    toggle.dataset.i18n = recovery ? 'auth.useCode' : 'auth.useRecovery';
    toggle.textContent = t(toggle.dataset.i18n);
    input().inputMode = recovery ? 'text' : 'numeric';
    input().value = '';
    input().focus();
  });
}

/**
 * Runs `start` when signed in (and nothing is pending); otherwise shows the sign-in steps in
 * `container` (password, code, forced change, enrolment) and runs `start` at the end.
 * `container` is hidden again once signed in.
 */
export async function requireSignIn(container, start) {
  onLangChange(renderSession);
  if (token() && (await claimSession(2_000))) {
    scheduleRefresh();
    try {
      const me = await authedMe();
      if (me) {
        afterSignIn(container, me, start);
        return;
      }
    } catch {
      /* network trouble: show the sign-in form */
    }
  }
  showPasswordStep(container, start);
}

/** GET /auth/me with a renewal on 401; null when the session is over. */
async function authedMe() {
  try {
    return await api('/api/v1/auth/me', { token: token() });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    if (!(await refreshNow())) return null;
    return api('/api/v1/auth/me', { token: token() });
  }
}

function showPasswordStep(container, start) {
  clear();
  const error = h('div', { id: 'login-error', hidden: true });
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-i18n': 'auth.submit' });
  const form = h(
    'form',
    { class: 'card login', novalidate: true },
    h('h1', { 'data-i18n': 'auth.title' }),
    h('p', { class: 'section-hint', 'data-i18n': 'auth.hint' }),
    error,
    h('div', { class: 'field' }, h('label', { for: 'username', 'data-i18n': 'auth.username' }), username),
    h('div', { class: 'field' }, h('label', { for: 'password', 'data-i18n': 'auth.password' }), password),
    submit,
  );
  for (const el of form.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!username.value.trim() || !password.value) {
      error.replaceChildren(alertBox(t('auth.missing')));
      error.hidden = false;
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    try {
      const name = username.value.trim();
      const res = await api('/api/v1/auth/login', {
        method: 'POST',
        body: { username: name, password: password.value },
      });
      if (res.twoFactorRequired) {
        showCodeStep(container, res.challenge, name, start);
        return;
      }
      store(res, name);
      afterSignIn(container, res, start);
    } catch (e) {
      const message =
        e instanceof ApiError && e.status === 401
          ? t('auth.wrong')
          : e instanceof ApiError && e.status === 429 && e.retryAfter
            ? t('auth.wait', { seconds: e.retryAfter })
            : e.userMessage;
      error.replaceChildren(alertBox(message));
      error.hidden = false;
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  container.replaceChildren(form);
  container.hidden = false;
  username.focus();
}

export const isSupervisor = (who) => who && (who.role === 'SUPERVISOR' || who.role === 'ADMIN');
