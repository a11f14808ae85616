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
  const status = statusLine();
  const advice = h('div', { class: 'advice', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Save');
  const recent = h('ul', { class: 'entries' });
  const form = h('form', { class: 'card', novalidate: true },
    h('fieldset', {},
      h('legend', {}, 'How much does it hurt right now?'),
      h('p', { class: 'scale', id: 'scale' }, h('strong', {}, '0'), ' = no pain, ', h('strong', {}, '10'), ' = worst imaginable. Leave a region empty if you have nothing to report.'),
      fields),
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
      } else {
        say(status, 'Saved.', 'ok');
        showAdvice(advice, result.data.advice);
      }
      form.reset();
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

function showAdvice(box, items = []) {
  if (!items.length) return;
  box.replaceChildren(h('h2', {}, 'Advice'), ...items.map((item) => h('p', {
    class: `note ${item.level === 'urgent' || item.level === 'emergency' ? 'urgent' : ''}`,
  }, item.text)));
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
