import { api, queued, submit, uuid } from './api.js';
import { addDays, field, formatTime, h, heading, isoDay, say, score, scoreField, showError, statusLine } from './ui.js';

const REGIONS = [['low_back', 'Low back'], ['neck', 'Neck'], ['headache', 'Headache']];

export function render(screen) {
  const inputs = {};
  const fields = REGIONS.map(([name, label]) => {
    const { wrap, input } = scoreField(label, name);
    inputs[name] = input;
    return wrap;
  });
  const notes = h('textarea', { name: 'notes', rows: '3', maxlength: '2000' });
  const signs = warningSigns();
  const status = statusLine();
  const advice = h('div', { class: 'advice', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Save');
  const recent = h('ul', { class: 'entries' });
  const form = h('form', { class: 'card', novalidate: true },
    h('fieldset', {},
      h('legend', {}, 'How much does it hurt right now?'),
      h('p', { class: 'scale', id: 'scale' }, h('strong', {}, '0'), ' = no pain, ', h('strong', {}, '10'), ' = worst imaginable. Leave a region empty if you have nothing to report.'),
      fields),
    signs.box,
    field('Notes (optional)', notes),
    status,
    button,
  );
  for (const input of Object.values(inputs)) input.setAttribute('aria-describedby', `scale ${input.getAttribute('aria-describedby')}`);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    advice.replaceChildren();
    const body = { client_id: uuid(), recorded_at: new Date().toISOString() };
    for (const [name] of REGIONS) if (inputs[name].value !== '') body[name] = Number(inputs[name].value);
    if (notes.value.trim()) body.notes = notes.value.trim();
    const ticked = signs.ticked();
    if (ticked.red_flags.length) body.red_flags = ticked.red_flags;
    if (ticked.symptoms.length) body.symptoms = ticked.symptoms;
    if (REGIONS.every(([name]) => body[name] === undefined)) {
      say(status, 'Give at least one score, for low back, neck or headache.', 'error');
      inputs.low_back.focus();
      return;
    }
    button.disabled = true;
    try {
      const result = await submit(body.client_id, '/me/pain', body, 'Pain entry');
      if (result.queued) {
        say(status, 'Saved on this phone. It will be sent when you are back online.', 'ok');
        // Urgent advice cannot wait for the network.
        showAdvice(advice, signs.offlineAdvice(ticked.red_flags));
      } else {
        say(status, 'Saved.', 'ok');
        showAdvice(advice, result.data.advice);
      }
      form.reset();
      signs.box.open = false;
      loadRecent(recent);
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });

  screen.append(heading('Log pain'), form, advice,
    h('section', { class: 'card' }, h('h2', {}, 'Recent entries'), recent));
  loadRecent(recent);
}

/** The red-flag checklist and reportable symptoms, one tap away on the form. */
function warningSigns() {
  const box = h('details', { class: 'warning-signs' },
    h('summary', {}, 'Any warning signs? Tap to check'));
  const boxes = { red_flags: [], symptoms: [] };
  let checklist = null;
  const group = (legend, items, kind) => h('fieldset', {},
    h('legend', {}, legend),
    items.map((item) => {
      const input = h('input', { type: 'checkbox', class: 'tick', name: kind, value: item.code, id: `${kind}-${item.code}` });
      boxes[kind].push(input);
      return h('div', { class: 'tick-row' }, input, h('label', { for: input.id }, item.question));
    }));
  api('/safety/checklist').then((data) => {
    checklist = data;
    box.append(
      group('Tick any that are true for you now', data.red_flags, 'red_flags'),
      data.symptoms.length ? group('Other symptoms', data.symptoms, 'symptoms') : null,
    );
  }, () => box.append(h('p', { class: 'hint' }, 'The checklist needs a connection the first time. If you have any of these, seek urgent care now: new trouble with bladder or bowels, numbness between the legs, a leg getting weaker, fever with back pain, a sudden severe headache, a headache much worse when upright, or a stiff neck with fever.')));
  const ticked = () => Object.fromEntries(Object.entries(boxes)
    .map(([kind, inputs]) => [kind, inputs.filter((i) => i.checked).map((i) => i.value)]));
  const offlineAdvice = (codes) => {
    if (!codes.length || !checklist) return [];
    const labels = codes.map((code) => checklist.red_flags.find((f) => f.code === code)?.label || code);
    return [{ level: 'urgent', code: 'red_flag', text: checklist.urgent_advice.replace('{signs}', labels.join(', ')) }];
  };
  return { box, ticked, offlineAdvice };
}

/** Advice after saving; urgent advice is unmissable: first, boxed, focused. */
function showAdvice(box, items = []) {
  box.replaceChildren();
  if (!items.length) return;
  const urgent = items.filter((item) => item.level === 'urgent');
  const rest = items.filter((item) => item.level !== 'urgent');
  if (urgent.length) {
    const alarm = h('section', { class: 'urgent-advice', role: 'alert', tabindex: '-1' },
      h('h2', {}, 'Seek urgent medical care now'),
      urgent.map((item) => h('p', {}, item.text)));
    box.append(alarm);
    alarm.scrollIntoView({ block: 'start' });
    alarm.focus();
  }
  if (rest.length) {
    box.append(h('h2', {}, 'Advice'), ...rest.map((item) => h('p', { class: 'note' }, item.text)));
  }
}

const line = (entry) => REGIONS
  .filter(([name]) => entry[name] != null)
  .map(([name, label]) => `${label} ${score(entry[name])}`)
  .join(' · ');

async function loadRecent(list) {
  const waiting = (await queued().catch(() => [])).filter((item) => item.path === '/me/pain');
  let entries = [];
  let offline = false;
  try {
    const from = addDays(isoDay(), -14);
    entries = await api(`/me/pain?from=${from}`);
  } catch {
    offline = true;
  }
  const rows = [
    ...waiting.map((item) => h('li', {}, h('span', {}, line(item.body)), h('span', { class: 'when' }, `${formatTime(item.body.recorded_at)}, not sent yet`))),
    ...entries.slice(-10).reverse().map((entry) => h('li', {}, h('span', {}, line(entry)), h('span', { class: 'when' }, formatTime(entry.recorded_at)))),
  ];
  if (!rows.length) rows.push(h('li', {}, offline ? 'Not available offline yet.' : 'No entries in the last two weeks.'));
  list.replaceChildren(...rows);
}
