import { api } from './api.js';
import { $, queryParam, showMessage } from './dom.js';
import { initI18n, t } from './i18n.js';

initI18n();

/**
 * The page an e-mail's opt-out link opens (`/opt-out?code=…&token=…`). Opening it changes
 * nothing (mail scanners open links); the citizen's click on the button posts the opt-out.
 */
const code = queryParam('code');
const token = queryParam('token');
const button = $('#opt-out-confirm');
const message = $('#opt-out-message');
$('#opt-out-code').textContent = code ?? '';

if (!code || !token) {
  button.disabled = true;
  showMessage(message, 'error', t('optOut.badLink'));
}

button.addEventListener('click', async () => {
  button.disabled = true;
  message.hidden = true;
  try {
    await api('/api/v1/reports/opt-out', { method: 'POST', body: { trackingCode: code, token } });
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
});
