import { authed } from './auth.js';
import { h } from './dom.js';
import { lang, t } from './i18n.js';

/**
 * Reply templates (GET /api/v1/reply-templates): the resolution and rejection notes the unit's
 * supervisors keep. A picker fills a textarea with the chosen template's text in the page's
 * language (English falls back to the Vietnamese); the official may still edit it.
 */
export async function loadTemplates({ kind, reasonCode, unitCode } = {}) {
  const q = new URLSearchParams();
  if (kind) q.set('kind', kind);
  if (reasonCode) q.set('reasonCode', reasonCode);
  if (unitCode) q.set('unitCode', unitCode);
  try {
    return await authed(`/api/v1/reply-templates?${q}`);
  } catch {
    return []; // the text can always be written by hand
  }
}

export const templateText = (template) => (lang() === 'en' ? (template.text.en ?? template.text.vi) : template.text.vi);

/** Fills `select` with `templates` (and "write my own"); choosing one writes its text into `target`. */
export function fillTemplatePicker(select, templates, target) {
  select.replaceChildren(
    h('option', { value: '' }, t('tpl.none')),
    ...templates.map((tpl) => h('option', { value: tpl.id }, tpl.title)),
  );
  select.onchange = () => {
    const chosen = templates.find((tpl) => tpl.id === select.value);
    if (chosen) {
      target.value = templateText(chosen);
      target.dispatchEvent(new Event('input'));
    }
  };
}
