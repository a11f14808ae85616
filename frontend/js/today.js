import { api, queued, submit } from './api.js';
import { minutes } from './dose.js';
import { dueCard } from './due.js';
import { mountThumb } from './figure.js';
import { addDays, dosage, field, formatDay, h, heading, isoDay, say, scoreField, showError, sourceLine, statusLine } from './ui.js';

const ticksKey = (id) => `kc.ticks.${id}`;
const loadTicks = (id) => new Set(JSON.parse(localStorage.getItem(ticksKey(id)) || '[]'));
const saveTicks = (id, ticks) => localStorage.setItem(ticksKey(id), JSON.stringify([...ticks]));

export async function render(screen, params = {}) {
  if (params.play) {
    const player = await import('./player.js');
    return player.render(screen, params.play);
  }
  const status = statusLine();
  screen.append(heading('Today'), status);
  // Asked for alongside today's sessions and awaited before drawing, so the card
  // does not push the session cards down when it arrives (layout shift).
  const due = api('/me/questionnaires/due').catch(() => []);
  let today;
  try {
    today = await api('/me/today');
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  const waiting = new Set((await queued().catch(() => [])).map((item) => item.id));
  screen.querySelector('h1').after(h('p', { class: 'lead' }, formatDay(today.date)));
  screen.append(dueCard(Promise.resolve(await due)));
  for (const change of today.plan_changes || []) {
    screen.append(h('div', { class: 'card plan-change', role: 'status' },
      h('p', {}, h('strong', {}, 'Your plan changed'), ` · ${formatDay(change.applied_at.slice(0, 10))}`),
      h('p', {}, change.text)));
  }
  if (!today.sessions.length) {
    screen.append(h('div', { class: 'card' },
      today.paused_plans
        ? h('p', { class: 'note' }, 'Your exercise plan is on hold until your therapist has reviewed it. If you reported a warning sign, please seek medical care as advised.')
        : h('p', {}, 'No exercise session today. Rest is part of the plan.'),
      h('p', {}, h('a', { href: '#/pain' }, 'Log how your pain is'), ' or look at your ', h('a', { href: '#/trends' }, 'trends'), '.')));
    return;
  }
  const many = today.sessions.length > 1;
  for (const session of today.sessions) {
    screen.append(sessionCard(session, many, waiting.has(`session-${session.id}`), today.date));
  }
}

function sessionCard(session, many, waitingToSync, today) {
  const title = `${session.program_title || session.program}${many ? `, session ${session.slot}` : ''}`;
  const done = session.status === 'done' || session.status === 'partly_done' || waitingToSync;
  const count = session.exercises.length;
  const card = h('section', { class: 'card session', 'aria-labelledby': `s${session.id}` },
    h('h2', { id: `s${session.id}` }, title),
    h('p', { class: 'facts' }, `${count} ${count === 1 ? 'exercise' : 'exercises'} · about ${minutes(session.exercises)} min`),
    changedBanner(session.prescription, today));
  if (done) {
    card.append(h('p', { class: 'status ok', role: 'status' }, waitingToSync
      ? 'Finished. Saved on this phone; it will be sent when you are back online.'
      : finishedWords(session)));
  } else {
    if (session.status === 'missed') card.append(h('p', { class: 'hint' }, 'This session is overdue; you can still do it and tick it off.'));
    const resumable = localStorage.getItem(`kc.player.${session.id}`);
    card.append(h('a', { class: 'button start', href: `#/today?play=${session.id}`, 'aria-describedby': `s${session.id}` }, resumable ? 'Continue' : 'Start'));
  }
  const all = h('details', { class: 'all' }, h('summary', {}, 'Show all exercises'));
  all.addEventListener('toggle', () => {
    if (!all.open || all.childElementCount > 1) return;
    const ticks = loadTicks(session.id);
    const list = h('ol', { class: 'exercises' });
    for (const exercise of session.exercises) list.append(exerciseItem(session, exercise, ticks, done));
    all.append(list);
    if (!done) all.append(finishForm(session, ticks, card));
  });
  card.append(all);
  return card;
}

/** "Finished. Well done!", or how much of a partly done session was done. */
function finishedWords(session) {
  if (session.status !== 'partly_done') return 'Finished. Well done!';
  const count = session.exercises.length;
  const full = Math.round((session.done_fraction || 0) * count);
  return `Partly done: ${full} of ${count} exercises. Thank you — every bit counts.`;
}

function exerciseItem(session, exercise, ticks, done) {
  const id = `ex-${session.id}-${exercise.slug}`;
  // A finished session shows what was done (all, when no list was given).
  const ticked = done ? !session.exercises_done || session.exercises_done.includes(exercise.slug) : ticks.has(exercise.slug);
  const box = h('input', {
    type: 'checkbox', id, class: 'tick', checked: ticked, disabled: done,
  });
  box.addEventListener('change', () => {
    if (box.checked) ticks.add(exercise.slug); else ticks.delete(exercise.slug);
    saveTicks(session.id, ticks);
  });
  // The still sits inside the label, so tapping it ticks the box too.
  const thumb = h('span', { class: 'thumb-tile', 'aria-hidden': 'true' });
  if (!mountThumb(thumb, exercise, { title: exercise.name })) thumb.classList.add('empty');
  return h('li', { class: 'exercise' },
    h('div', { class: 'tick-row' }, box,
      h('label', { for: id, class: 'with-thumb' }, thumb,
        h('span', {}, h('span', { class: 'ex-name' }, exercise.name), h('span', { class: 'dose' }, dosage(exercise.dosage))))),
    exercise.note ? therapistNote(exercise.note) : null,
    exercise.cautions?.length ? h('div', { class: 'caution' },
      h('h3', {}, 'Before your first set'),
      h('ul', {}, exercise.cautions.map((text) => h('li', {}, text)))) : null,
    h('details', { class: 'how' },
      h('summary', {}, `How to do it (${exercise.instructions.length} steps)`),
      h('ol', { class: 'steps' }, exercise.instructions.map((text) => h('li', {}, text))),
      exercise.cues?.length ? [h('h3', {}, 'Tips'), h('ul', { class: 'cues' }, exercise.cues.map((text) => h('li', {}, text)))] : null),
    exercise.sources?.length ? h('p', { class: 'hint' }, sourceLine(exercise.sources)) : null,
  );
}

// What changed is listed for a change of the last 7 days (today and the 6 before):
// long enough to be read on the next sessions of a plan of 2-3 a week, short
// enough that an old change does not stay as noise. The date and note stay.
const CHANGES_SHOWN_DAYS = 7;

/** "Changed by your therapist on …", what changed and the plan note, once a plan
 * was tailored. `today`: the patient's day (GET /me/today's `date`). */
export function changedBanner(prescription, today = isoDay()) {
  if (!prescription || prescription.version <= 1) {
    return prescription?.note ? h('p', { class: 'rx-banner' }, h('strong', {}, 'From your therapist: '), prescription.note) : null;
  }
  const day = isoDay(new Date(prescription.changed_at));
  const recent = day >= addDays(today, 1 - CHANGES_SHOWN_DAYS);
  const changes = recent ? prescription.changes || [] : [];
  return h('div', { class: 'rx-banner', role: 'note' },
    h('p', {}, h('strong', {}, `Changed by your therapist on ${formatDay(day)}`)),
    changes.length ? h('ul', { class: 'rx-changes', 'aria-label': 'What changed' }, changes.map((line) => h('li', {}, line))) : null,
    prescription.note ? h('p', {}, h('strong', {}, 'Note: '), prescription.note) : null);
}

/** The therapist's note on one exercise. */
export function therapistNote(note) {
  return h('p', { class: 'rx-note' }, h('strong', {}, 'Your therapist: '), note);
}

function finishForm(session, ticks, card) {
  const difficulty = scoreField('How hard was it?', 'difficulty', '0 = very easy, 10 = as hard as it gets.');
  const during = scoreField('Pain during the session', 'pain_during', '0 = no pain, 10 = worst imaginable.');
  const notes = h('textarea', { name: 'notes', rows: '2', maxlength: '2000' });
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Finish session');
  const form = h('form', { class: 'finish', novalidate: true },
    h('h3', {}, 'Finished?'),
    difficulty.wrap, during.wrap, field('Notes (optional)', notes), status, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { exercises_done: [...ticks] };
    if (difficulty.input.value !== '') body.difficulty = Number(difficulty.input.value);
    if (during.input.value !== '') body.pain_during = Number(during.input.value);
    if (notes.value.trim()) body.notes = notes.value.trim();
    button.disabled = true;
    const show = (stored, queued, note) => {
      localStorage.removeItem(ticksKey(session.id));
      localStorage.removeItem(`kc.player.${session.id}`);
      const fresh = sessionCard(stored, false, queued);
      fresh.querySelector('h2').textContent = card.querySelector('h2').textContent;
      if (note) fresh.querySelector('.status').before(h('p', { class: 'status info', role: 'status' }, note));
      card.replaceWith(fresh);
      fresh.querySelector('h2').scrollIntoView({ block: 'start' });
    };
    try {
      const result = await submit(`session-${session.id}`, `/sessions/${session.id}/complete`, body, 'Session');
      show(result.data || { ...session, status: 'done', exercises_done: null }, !!result.queued);
    } catch (error) {
      if (error.status === 409 && error.session) { // another device finished it first
        show(error.session, false, error.message);
        return;
      }
      showError(form, status, error);
      button.disabled = false;
    }
  });
  return form;
}
