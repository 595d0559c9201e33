import { lang, t } from './i18n.js';

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/**
 * Builds an element: h('a', { href, class: 'x', onclick: fn }, 'text', child). Handlers are attached with
 * addEventListener, never as attributes, so the Content-Security-Policy can forbid inline script.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces `el`'s children, skipping null/false and flattening arrays, as h() does. */
export function mount(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

/** An SVG element (the dashboard's chart). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs))
    if (value !== undefined && value !== null) el.setAttribute(key, value);
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const TZ = 'Asia/Ho_Chi_Minh';
const locale = () => (lang() === 'en' ? 'en-GB' : 'vi-VN');

/** An instant, shown in Viet Nam time whatever the browser's zone (the service works in +07:00). */
export function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    timeZone: TZ,
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(d);
}

/** A calendar date (YYYY-MM-DD) as dd/mm/yyyy. */
export function fmtDate(ymd) {
  if (!ymd) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : ymd;
}

export function fmtNumber(n) {
  return typeof n === 'number' ? new Intl.NumberFormat(locale()).format(n) : '—';
}

export function fmtPercent(rate) {
  if (rate === null || rate === undefined || Number.isNaN(Number(rate))) return '—';
  const value = Number(rate) <= 1 ? Number(rate) * 100 : Number(rate);
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value)}%`;
}

export function fmtBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "3 ngày 4 giờ", "2 giờ 05 phút", "4 phút 09 giây": the two largest units of a duration. */
export function fmtDuration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (days > 0) return t('dur.dh', { d: days, h: hours });
  if (hours > 0) return t('dur.hm', { h: hours, m: pad(minutes) });
  return t('dur.ms', { m: minutes, s: pad(seconds) });
}

let liveRegion;
/** Says `message` to screen readers (polite). */
export function announce(message) {
  if (!liveRegion) {
    liveRegion = h('div', { class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });
    document.body.append(liveRegion);
  }
  liveRegion.textContent = '';
  setTimeout(() => (liveRegion.textContent = message), 50);
}

/** Shows a message box in `container` (replacing what was there); kind: error | ok | info | warn. */
export function showMessage(container, kind, title, body) {
  container.replaceChildren(
    h(
      'div',
      { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
      title ? h('h2', { text: title }) : null,
      body ? h('p', { text: body }) : null,
    ),
  );
  container.hidden = false;
}

export function queryParam(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Saves `blob` as a file named `name` (the CSV export). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
