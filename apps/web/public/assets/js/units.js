import { api } from './api.js';
import { $, h } from './dom.js';
import { onLangChange, t } from './i18n.js';

const cache = new Map();

/** GET /api/v1/reference/units (the provinces) or ?parent=CODE (its children), fetched once per parent. */
export function unitsOf(parent = '') {
  if (!cache.has(parent)) {
    const request = api(`/api/v1/reference/units${parent ? `?parent=${encodeURIComponent(parent)}` : ''}`);
    request.catch(() => cache.delete(parent));
    cache.set(parent, request);
  }
  return cache.get(parent);
}

function fill(select, units) {
  const first = select.options[0];
  select.replaceChildren(first, ...units.map((u) => h('option', { value: u.code }, u.name)));
}

/**
 * Province → district → ward selects (ids `<prefix>-province`, `-district`, `-ward`). The value is the ward's
 * code, or the district's for the island districts that have no wards (docs/api.md accepts those).
 */
export function unitPicker(prefix, onChange = () => {}) {
  const province = $(`#${prefix}-province`);
  const district = $(`#${prefix}-district`);
  const ward = $(`#${prefix}-ward`);
  let island = null;

  const reset = (select) => {
    fill(select, []);
    select.disabled = true;
  };
  const setNoWards = () => {
    ward.options[0].textContent = island ? t('picker.noWards') : t('common.choose');
  };
  onLangChange(setNoWards);

  province.addEventListener('change', async () => {
    reset(district);
    reset(ward);
    island = null;
    setNoWards();
    onChange();
    if (!province.value) return;
    fill(district, await unitsOf(province.value));
    district.disabled = false;
  });
  district.addEventListener('change', async () => {
    reset(ward);
    island = null;
    setNoWards();
    onChange();
    if (!district.value) return;
    const wards = await unitsOf(district.value);
    if (wards.length === 0) island = district.value;
    else {
      fill(ward, wards);
      ward.disabled = false;
    }
    setNoWards();
    onChange();
  });
  ward.addEventListener('change', onChange);

  const ready = unitsOf().then((provinces) => fill(province, provinces));

  return {
    ready,
    value: () => ward.value || island || '',
    /** Something chosen, but not down to a ward. */
    incomplete: () => Boolean(province.value) && !(ward.value || island),
    /** Where the keyboard should go to finish the choice. */
    next: () => [province, district, ward].find((s) => !s.disabled && !s.value) ?? province,
    clear: () => {
      province.value = '';
      reset(district);
      reset(ward);
      island = null;
      setNoWards();
    },
  };
}
