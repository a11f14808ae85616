import { api, queued, submit, uuid } from './api.js';
import { addDays, field, formatTime, h, heading, isoDay, say, score, scoreButtons, showError, statusLine } from './ui.js';

const REGIONS = [['low_back', 'Low back'], ['neck', 'Neck'], ['headache', 'Headache']];

const EDITABLE_MS = 24 * 3600 * 1000;

export function render(screen) {
  const scores = Object.fromEntries(REGIONS.map(([name, label]) => [name, scoreButtons(label, name, { describedBy: 'scale' })]));
  const notes = h('textarea', { name: 'notes', rows: '3', maxlength: '2000' });
  const signs = warningSigns();
  const status = statusLine();
  const advice = h('div', { class: 'advice', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Save');
  const cancel = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Cancel correction');
  const legend = h('legend', {}, 'How much does it hurt right now?');
  const recent = h('ul', { class: 'entries' });
  const form = h('form', { class: 'card', novalidate: true },
    h('fieldset', {},
      legend,
      h('p', { class: 'scale', id: 'scale' }, h('strong', {}, '0'), ' = no pain, ', h('strong', {}, '10'), ' = worst imaginable. Choose “Not today” for a region you have nothing to report.'),
      REGIONS.map(([name]) => scores[name].group)),
    signs.box,
    field('Notes (optional)', notes),
    // Always in reach on a phone, however far down the scores go.
    h('div', { class: 'action-bar' }, status, button, cancel),
  );
  let editing = null; // the entry being corrected
  const reset = () => {
    editing = null;
    form.reset();
    for (const [name] of REGIONS) scores[name].set(null);
    legend.textContent = 'How much does it hurt right now?';
    signs.box.hidden = false;
    cancel.hidden = true;
    button.textContent = 'Save';
  };
  const correct = (entry) => {
    editing = entry;
    for (const [name] of REGIONS) scores[name].set(entry[name]);
    notes.value = entry.notes || '';
    legend.textContent = `Correct your entry from ${formatTime(entry.recorded_at)}`;
    signs.box.hidden = true; // warning signs given cannot be taken back
    cancel.hidden = false;
    button.textContent = 'Save correction';
    advice.replaceChildren();
    say(status, '');
    form.scrollIntoView({ block: 'start' });
    scores.low_back.focus();
  };
  cancel.addEventListener('click', reset);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    advice.replaceChildren();
    const body = {};
    for (const [name] of REGIONS) {
      const value = scores[name].value();
      if (value !== null || editing) body[name] = value;
    }
    if (notes.value.trim() || editing) body.notes = notes.value.trim() || null;
    if (REGIONS.every(([name]) => body[name] == null)) {
      say(status, 'Give at least one score, for low back, neck or headache.', 'error');
      scores.low_back.focus();
      return;
    }
    button.disabled = true;
    try {
      if (editing) {
        const data = await api(`/me/pain/${editing.id}`, { method: 'PATCH', body });
        say(status, 'Corrected.', 'ok');
        showAdvice(advice, data.advice);
      } else {
        await saveNew(body, signs, status, advice);
      }
      reset();
      loadRecent(recent, correct);
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });

  screen.append(heading('Log pain'), form, advice,
    h('section', { class: 'card' }, h('h2', {}, 'Recent entries'),
      h('p', { class: 'hint' }, 'You can correct or delete an entry for 24 hours.'), recent));
  loadRecent(recent, correct);
}

async function saveNew(body, signs, status, advice) {
  Object.assign(body, { client_id: uuid(), recorded_at: new Date().toISOString() });
  for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
  const ticked = signs.ticked();
  if (ticked.red_flags.length) body.red_flags = ticked.red_flags;
  if (ticked.symptoms.length) body.symptoms = ticked.symptoms;
  const result = await submit(body.client_id, '/me/pain', body, 'Pain entry');
  if (result.queued) {
    say(status, 'Saved on this phone. It will be sent when you are back online.', 'ok');
    // Urgent advice cannot wait for the network.
    showAdvice(advice, signs.offlineAdvice(ticked.red_flags));
  } else {
    say(status, 'Saved.', 'ok');
    showAdvice(advice, result.data.advice);
  }
  signs.box.open = false;
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

async function loadRecent(list, correct) {
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
    ...entries.slice(-10).reverse().map((entry) => entryRow(entry, list, correct)),
  ];
  if (!rows.length) rows.push(h('li', {}, offline ? 'Not available offline yet.' : 'No entries in the last two weeks.'));
  list.replaceChildren(...rows);
}

function entryRow(entry, list, correct) {
  const when = formatTime(entry.recorded_at);
  const row = h('li', { class: 'entry' },
    h('span', {}, line(entry), entry.red_flags?.length ? h('strong', { class: 'flag' }, ' · warning sign') : null,
      entry.corrected_at ? h('span', { class: 'sub' }, 'Corrected') : null),
    h('span', { class: 'when' }, when));
  if (Date.now() - new Date(entry.recorded_at).getTime() > EDITABLE_MS) return row;
  const status = statusLine();
  const edit = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Correct entry from ${when}`, onclick: () => correct(entry) }, 'Correct');
  const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete entry from ${when}` }, 'Delete');
  const actions = h('div', { class: 'actions' }, edit, remove);
  remove.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'danger small' }, 'Yes, delete');
    const no = h('button', { type: 'button', class: 'secondary small' }, 'Keep it');
    const ask = h('div', { class: 'actions', role: 'group', 'aria-label': 'Delete this entry?' }, h('span', {}, 'Delete this entry?'), yes, no);
    no.addEventListener('click', () => { ask.replaceWith(actions); remove.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api(`/me/pain/${entry.id}`, { method: 'DELETE' });
        loadRecent(list, correct);
      } catch (error) {
        say(status, error.message, 'error');
        ask.replaceWith(actions);
      }
    });
    actions.replaceWith(ask);
    yes.focus();
  });
  row.append(h('div', { class: 'entry-tools' }, actions, status));
  return row;
}
