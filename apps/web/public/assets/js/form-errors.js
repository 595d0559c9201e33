import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * Shows field errors next to their fields. A field is any element with data-field="<dotted path>" (the same
 * paths as the server's problem+json `errors[].field`) holding a `.field-error` paragraph and its control.
 * Errors without a field on the page go to the summary only, so nothing the server says is lost.
 */
export class FieldErrors {
  constructor(form, summary) {
    this.form = form;
    this.summary = summary;
    this.list = summary?.querySelector('ul');
    // Once the person changes a field, its old message no longer applies (the summary stays until the next try).
    const forget = (e) => {
      const container = e.target.closest?.('[data-field]');
      if (!container || !container.classList.contains('has-error')) return;
      container.classList.remove('has-error');
      const p = ownError(container);
      if (p) p.hidden = true;
      for (const c of ownControls(container)) c.removeAttribute('aria-invalid');
    };
    form.addEventListener('input', forget);
    form.addEventListener('change', forget);
  }

  clear() {
    for (const el of this.form.querySelectorAll('.has-error')) el.classList.remove('has-error');
    for (const el of this.form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of this.form.querySelectorAll('.field-error')) {
      el.textContent = '';
      el.hidden = true;
    }
    if (this.summary) this.summary.hidden = true;
    this.list?.replaceChildren();
  }

  /** The element for a server path: exact, else without list indexes, else its nearest parent on the page. */
  locate(path) {
    const candidates = [path, path.replace(/\[\d+\]|\.\d+(?=\.|$)/g, '')];
    const parts = candidates[1].split('.');
    while (parts.length > 1) candidates.push((parts.pop(), parts.join('.')));
    for (const c of candidates) {
      const el = this.form.querySelector(`[data-field="${CSS.escape(c)}"]`);
      if (el && !el.hidden && ownError(el)) return el;
    }
    return null;
  }

  /** errors: [{ field, message }]; focuses the summary (or the only field) so keyboard users land on it. */
  show(errors) {
    this.clear();
    let first = null;
    for (const { field, message } of errors) {
      const container = field ? this.locate(field) : null;
      const control = container ? firstControl(container) : null;
      if (container) {
        const p = ownError(container);
        p.textContent = p.textContent ? `${p.textContent} ${message}` : message;
        p.hidden = false;
        container.classList.add('has-error');
        for (const c of ownControls(container)) c.setAttribute('aria-invalid', 'true');
      }
      if (this.list) {
        const label = container ? labelOf(container) : field;
        const text = label ? `${label}: ${message}` : message;
        const item = control
          ? h('a', { href: `#${control.id}`, onclick: (e) => (e.preventDefault(), focusField(control)) }, text)
          : text;
        this.list.append(h('li', {}, item));
      }
      first ??= control;
    }
    if (this.summary && this.list?.children.length) {
      this.summary.hidden = false;
      this.summary.focus();
      this.summary.scrollIntoView({ block: 'start' });
    } else if (first) focusField(first);
  }
}

function owns(container, el) {
  return el.closest('[data-field]') === container;
}

function ownError(container) {
  return [...container.querySelectorAll('.field-error')].find((p) => owns(container, p));
}

function ownControls(container) {
  return [...container.querySelectorAll('input, select, textarea')].filter((c) => owns(container, c) && !c.disabled);
}

function firstControl(container) {
  return [...container.querySelectorAll('input, select, textarea')].find((c) => !c.disabled && c.offsetParent !== null);
}

function labelOf(container) {
  const label = container.querySelector('legend, label');
  const text = label?.querySelector('[data-i18n]')?.textContent ?? label?.textContent ?? '';
  return text.trim() || t('form.field');
}

export function focusField(control) {
  control.focus();
  control.scrollIntoView({ block: 'center' });
}
