import { api } from './api.js';
import { fmtDuration } from './dom.js';
import { t } from './i18n.js';

/** Hours before the deadline from which a ticket counts as "due soon" (the DUE_SOON alert's offset). */
const SOON_MS = 12 * 3600_000;

let base = null;

/**
 * Learns the service's "now" and speed once (GET /api/v1/clock), then follows it locally: the service may run
 * on simulated time (CLOCK_SPEED), and every deadline is on that clock, not the browser's.
 */
export async function syncClock() {
  const before = performance.now();
  const clock = await api('/api/v1/clock');
  const after = performance.now();
  base = { server: Date.parse(clock.now), at: (before + after) / 2, speed: Number(clock.speed) || 1 };
  return base;
}

export function serviceNow() {
  if (!base) return Date.now();
  return base.server + (performance.now() - base.at) * base.speed;
}

/** The service's calendar date in Viet Nam (YYYY-MM-DD): the upper bound of date pickers. */
export function serviceToday() {
  return new Date(serviceNow() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** How a deadline stands now: { state: 'overdue' | 'soon' | 'ok', text }. */
export function deadlineState(dueAt) {
  const left = Date.parse(dueAt) - serviceNow();
  if (Number.isNaN(left)) return { state: 'ok', text: '—' };
  if (left <= 0) return { state: 'overdue', text: t('countdown.overdue', { d: fmtDuration(-left) }) };
  return { state: left <= SOON_MS ? 'soon' : 'ok', text: t('countdown.left', { d: fmtDuration(left) }) };
}

/** Ticks every element with data-due (an ISO instant) once a second; also calls `onTick` (badges). */
export function startCountdowns(root = document, onTick) {
  const tick = () => {
    for (const el of root.querySelectorAll('[data-due]')) {
      const { state, text } = deadlineState(el.dataset.due);
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle('overdue', state === 'overdue');
      el.classList.toggle('soon', state === 'soon');
    }
    onTick?.();
  };
  tick();
  return setInterval(tick, 1000);
}
