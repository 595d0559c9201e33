import { ApiError, api } from './api.js';
import { $, h } from './dom.js';
import { onLangChange, t, tOr } from './i18n.js';

const KEY = 'phananh.token';
const USER_KEY = 'phananh.username';

/** The access token lives in sessionStorage: it ends with the tab, and other sites cannot read it. */
export function token() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
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
  // No expiry check here: the token's exp may be on the service's simulated clock. A 401 ends the session.
  const claims = decodePayload(jwt);
  return {
    username: sessionStorage.getItem(USER_KEY) ?? claims.username ?? '',
    role: claims.role ?? '',
    unitCode: claims.unit ?? claims.unitCode ?? '',
  };
}

export function signOut(reload = true) {
  try {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(USER_KEY);
  } catch {
    /* storage unavailable: nothing to clear */
  }
  if (reload) location.reload();
}

/** An API call with the bearer token; a 401 means the session ended, so the page asks to sign in again. */
export async function authed(path, options = {}) {
  try {
    return await api(path, { ...options, token: token() });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut(false);
      location.reload();
    }
    throw e;
  }
}

/** Shows who is signed in, and a sign-out button, in the header's `.session` slot. */
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
      'span',
      {},
      h('span', { class: 'visually-hidden', text: t('auth.signedInAs') }),
      [who.username, who.role ? tOr(`role.${who.role}`, who.role) : '', who.unitCode].filter(Boolean).join(' · '),
    ),
    h('button', { type: 'button', class: 'lang-switch', onclick: () => signOut() }, t('auth.signOut')),
  );
}

/**
 * Runs `start` when signed in; otherwise shows the sign-in form in `container` and runs `start` after a
 * successful sign-in. `container` is hidden again once signed in.
 */
export function requireSignIn(container, start) {
  onLangChange(renderSession);
  if (session()) {
    container.hidden = true;
    renderSession();
    start(session());
    return;
  }
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
  const fill = () => {
    for (const el of form.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  };
  fill();
  onLangChange(fill);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!username.value.trim() || !password.value) {
      error.replaceChildren(h('div', { class: 'alert alert-error', role: 'alert' }, t('auth.missing')));
      error.hidden = false;
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    try {
      const res = await api('/api/v1/auth/login', {
        method: 'POST',
        body: { username: username.value.trim(), password: password.value },
      });
      sessionStorage.setItem(KEY, res.accessToken);
      sessionStorage.setItem(USER_KEY, username.value.trim());
      container.hidden = true;
      renderSession();
      start(session());
    } catch (e) {
      const message = e instanceof ApiError && e.status === 401 ? t('auth.wrong') : e.userMessage;
      error.replaceChildren(h('div', { class: 'alert alert-error', role: 'alert' }, message));
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
