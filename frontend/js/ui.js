// Small DOM helpers shared by the screens: no framework, no innerHTML for data.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'for') el.htmlFor = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

/** A labelled field: label, the control, an optional hint and a slot for errors. */
export function field(label, control, hint, box = control) {
  control.id ||= nextId('f');
  const err = h('p', { class: 'field-error', id: `${control.id}-err`, hidden: true });
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  const described = [hintEl?.id, err.id].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), hintEl, box, err);
}

/** Shows an ApiError: field messages next to their fields, the rest in `status`. */
export function showError(form, status, error) {
  clearErrors(form);
  const unplaced = [];
  const place = (name, messages) => {
    if (messages && typeof messages === 'object' && !Array.isArray(messages)) {
      // Nested messages ({phases: {0: {sets: [...]}}}): place each at its dotted path.
      for (const [key, inner] of Object.entries(messages)) place(`${name}.${key}`, inner);
      return;
    }
    // A list item's error (instructions.3) goes beside the list, saying which item.
    let at = name;
    while (at.includes('.') && !slotOf(form, at)) at = at.slice(0, at.lastIndexOf('.'));
    const found = slotOf(form, at);
    const item = at === name ? '' : name.slice(at.length + 1);
    const text = (/^\d+$/.test(item) ? `Item ${Number(item) + 1}: ` : '') + flatten(messages).join(' ');
    if (!found) {
      unplaced.push(text);
      return;
    }
    found.slot.textContent = found.slot.hidden ? text : `${found.slot.textContent} ${text}`;
    found.slot.hidden = false;
    found.control.setAttribute('aria-invalid', 'true');
  };
  for (const [name, messages] of Object.entries(error.errors || {})) place(name, messages);
  const message = error.status === 422 && !unplaced.length
    ? 'Please check the fields marked below.'
    : [error.status === 422 ? '' : error.message, ...unplaced].filter(Boolean).join(' ');
  say(status, message || error.message, 'error');
  const first = form.querySelector('[aria-invalid="true"]:not([type="hidden"])');
  if (first) first.focus();
  else form.querySelector('.field-error:not([hidden])')?.scrollIntoView({ block: 'center' });
}

function slotOf(form, name) {
  const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
  const slot = control && form.querySelector(`#${CSS.escape(control.id)}-err`);
  return slot ? { control, slot } : null;
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error')) {
    slot.hidden = true;
    slot.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function flatten(messages) {
  if (typeof messages === 'string') return [messages];
  if (Array.isArray(messages)) return messages.flatMap(flatten);
  if (messages && typeof messages === 'object') return Object.values(messages).flatMap(flatten);
  return [];
}

/** Writes a message into a live region; kind is 'ok', 'error' or 'info'. */
export function say(el, text, kind = 'info') {
  el.textContent = text || '';
  el.className = `status ${kind}`;
  el.hidden = !text;
}

export const statusLine = () => h('p', { class: 'status', role: 'status', 'aria-live': 'polite', hidden: true });

export function heading(text) {
  return h('h1', { tabindex: '-1' }, text);
}

export function isoDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00`);
  d.setDate(d.getDate() + n);
  return isoDay(d);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
export const formatDay = (day) => dayFormat.format(new Date(`${day}T12:00:00`));

const timeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
export const formatTime = (iso) => timeFormat.format(new Date(iso));

export const score = (value) => (value == null ? '–' : String(Math.round(value * 10) / 10));

const SIDE_WORDS = { left: 'left side', right: 'right side', both: 'both sides', alternate: 'alternate sides' };

/** "2 × 10, hold 5 s, rest 30 s, left side" */
export function dosage(d = {}) {
  const parts = [];
  if (d.sets && d.reps) parts.push(`${d.sets} × ${d.reps}`);
  else if (d.sets) parts.push(`${d.sets} ${d.sets === 1 ? 'set' : 'sets'}`);
  if (d.hold_seconds) parts.push(`hold ${d.hold_seconds} s`);
  if (d.rest_seconds) parts.push(`rest ${d.rest_seconds} s`);
  if (SIDE_WORDS[d.side]) parts.push(SIDE_WORDS[d.side]);
  return parts.join(', ');
}

/** A number input 0-10 with large − and + buttons for thumbs. */
export function scoreInput(name, { value = '' } = {}) {
  const input = h('input', {
    type: 'number', name, inputmode: 'numeric', min: '0', max: '10', step: '1',
    class: 'score', value: value === null ? '' : String(value),
  });
  const step = (delta) => () => {
    const now = input.value === '' ? (delta > 0 ? -1 : 1) : Number(input.value);
    input.value = String(Math.min(10, Math.max(0, now + delta)));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const button = (text, delta) => h('button', {
    type: 'button', class: 'step', tabindex: '-1', 'aria-hidden': 'true', onclick: step(delta),
  }, text);
  const row = h('div', { class: 'stepper' }, button('−', -1), input, button('+', 1));
  return { input, row };
}

/** A labelled 0-10 stepper with its scale explained, as a `.field`. */
export function scoreField(label, name, scale) {
  const { input, row } = scoreInput(name);
  input.id = nextId(name);
  return { wrap: field(label, input, scale, row), input };
}

/** "Source: <article title>" for an exercise or program. */
export function sourceLine(sources = []) {
  if (!sources.length) return null;
  const titles = sources.map((s) => (s.url ? h('a', { href: s.url, rel: 'noopener', target: '_blank' }, s.title) : s.title));
  return h('span', { class: 'source' }, sources.length > 1 ? 'Sources: ' : 'Source: ',
    titles.flatMap((t, i) => (i ? ['; ', t] : [t])), '.');
}

/**
 * A 0-10 score as a row of large buttons: a radio group named `label`, radios
 * named 0 … 10, and `none` (e.g. "Not today") for no score, chosen at first.
 */
export function scoreButtons(label, name, { none = 'Not today', describedBy } = {}) {
  const id = nextId(name);
  const radios = [];
  const option = (value, text, extra = '') => {
    const input = h('input', { type: 'radio', class: 'pick', name: id, value, id: `${id}-${value === '' ? 'none' : value}` });
    radios.push(input);
    return h('span', { class: 'pick-wrap' }, input, h('label', { for: input.id, class: `pick-label ${extra}`.trim() }, text));
  };
  const group = h('div', { role: 'radiogroup', class: 'scores', 'aria-labelledby': `${id}-label`, 'aria-describedby': describedBy, 'data-name': name },
    h('span', { class: 'group-label', id: `${id}-label` }, label),
    h('div', { class: 'score-row' }, Array.from({ length: 11 }, (_, n) => option(String(n), String(n), `s${n}`))),
    none ? h('div', { class: 'none-row' }, option('', none, 'none')) : null);
  const set = (value) => {
    for (const radio of radios) radio.checked = radio.value === (value == null ? '' : String(value));
  };
  set(null);
  const value = () => {
    const chosen = radios.find((radio) => radio.checked);
    return !chosen || chosen.value === '' ? null : Number(chosen.value);
  };
  return { group, value, set, focus: () => (radios.find((r) => r.checked) || radios[0]).focus() };
}

/** A few named choices as large buttons (a radio group), none chosen at first. */
export function choiceButtons(label, choices) {
  const id = nextId('choice');
  const radios = choices.map(([value]) => h('input', { type: 'radio', class: 'pick', name: id, value, id: `${id}-${value}` }));
  const group = h('div', { role: 'radiogroup', class: 'scores choices', 'aria-labelledby': `${id}-label` },
    h('span', { class: 'group-label', id: `${id}-label` }, label),
    h('div', { class: 'choice-row' }, choices.map(([, text], i) => h('span', { class: 'pick-wrap' }, radios[i], h('label', { for: radios[i].id, class: 'pick-label' }, text)))));
  const value = () => radios.find((radio) => radio.checked)?.value || null;
  const set = (v) => radios.forEach((radio) => { radio.checked = radio.value === v; });
  return { group, value, set };
}
