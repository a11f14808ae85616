// On the therapist's patient page: a plan's prescription phase by phase, and how
// often each prescribed exercise was done or skipped, so avoided ones stand out.
import { api } from './api.js';
import { dosage, formatTime, h, isoDay, say, statusLine } from './ui.js';

/** The plan's current prescription, per phase, inside a disclosure. */
export function prescriptionView(a, open = false) {
  const body = h('div', {}, h('p', { class: 'hint' }, 'Loading the exercises…'));
  const summary = h('summary', {}, 'Exercises', a.prescription_version ? `, version ${a.prescription_version}` : '');
  const box = h('details', { class: 'how rx-view', open }, summary, body);
  api(`/assignments/${a.id}/prescription`).then((rx) => {
    summary.textContent = `Exercises, version ${rx.version}${rx.version > 1 ? `, changed ${formatTime(rx.changed_at)}` : ''}`;
    body.replaceChildren(h('div', {},
      rx.note ? h('p', { class: 'note' }, h('strong', {}, 'Plan note: '), rx.note) : null,
      ...rx.phases.map((phase, i) => h('div', { class: 'rx-phase' },
        h('h3', {}, `${phase.name} `, h('span', { class: 'sub inline' }, weeksText(phase.weeks)),
          isCurrent(rx.phases, i, planWeek(a.start_date)) ? h('span', { class: 'tag now' }, 'Now') : null),
        h('ol', { class: 'rx-lines' }, phase.exercises.map((ex) => h('li', {},
          h('span', {}, ex.name), ' ', h('span', { class: 'dose-inline' }, doseLine(ex)),
          ex.note ? h('span', { class: 'sub' }, `Note: ${ex.note}`) : null)))))));
  }, (error) => body.replaceChildren(h('p', { class: 'error' }, error.message)));
  return box;
}

/** Today's week of a plan that started on `start` (1 in its first week). */
export const planWeek = (start) => (start
  ? Math.floor((new Date(`${isoDay()}T12:00:00`) - new Date(`${start}T12:00:00`)) / (7 * 86400000)) + 1
  : null);

/** Whether phase i holds this week of the plan (the last phase runs on). */
export function isCurrent(phases, i, week) {
  if (week == null) return false;
  const [first, last] = phases[i].weeks;
  return week >= first && (week <= last || i === phases.length - 1);
}

export const weeksText = ([first, last]) => (first === last ? `week ${first}` : `weeks ${first}–${last}`);

/** "2 × 10, hold 5 s, rest 30 s, left side" from a prescription line. */
export const doseLine = (ex) => dosage(ex);

/** Scheduled, done and skipped per exercise over the last 14 or 30 days. */
export function exerciseAdherence(patientId) {
  const status = statusLine();
  // Scrolls sideways on a narrow screen: focusable, so a keyboard can scroll it too.
  const table = h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Exercises done and skipped' });
  const buttons = [14, 30].map((days) => h('button', { type: 'button', class: 'seg', 'aria-pressed': 'false', 'data-days': String(days) }, `${days} days`));
  const show = async (days) => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.days === String(days)));
    let rows;
    try {
      rows = await api(`/patients/${patientId}/exercise-adherence?days=${days}`);
    } catch (error) {
      say(status, error.message, 'error');
      return;
    }
    say(status, '');
    table.replaceChildren(rows.length ? adherenceTable(rows, days) : h('p', {}, 'No sessions were due in this time.'));
  };
  for (const b of buttons) b.addEventListener('click', () => show(Number(b.dataset.days)));
  show(14);
  return h('section', { class: 'card ex-adherence' },
    h('h2', {}, 'Exercises done and skipped'),
    h('div', { class: 'segments', role: 'group', 'aria-label': 'Period' }, buttons),
    status, table,
    h('p', { class: 'hint' }, 'Skipped: left out of a session the patient did. Missed: in a session not done. Often skipped: left out of a third or more of the sessions done.'));
}

/** Left out of at least a third of the sessions the patient did: avoided. A
 * session not done at all says nothing about one exercise. */
const avoided = (r) => r.skipped > 0 && 3 * r.skipped >= r.done + r.skipped;

function adherenceTable(rows, days) {
  const row = (r) => h('tr', { class: avoided(r) ? 'avoided' : null },
    h('th', { scope: 'row' }, r.name, avoided(r) ? h('span', { class: 'tag' }, 'Often skipped') : null),
    h('td', { 'data-label': 'Scheduled' }, String(r.scheduled)),
    h('td', { 'data-label': 'Done' }, String(r.done)),
    h('td', { 'data-label': 'Skipped' }, String(r.skipped)),
    h('td', { 'data-label': 'Missed' }, String(r.missed ?? r.scheduled - r.done - r.skipped)),
    h('td', { 'data-label': 'Done %' }, r.scheduled ? `${Math.round((100 * r.done) / r.scheduled)}\u00a0%` : '–'));
  return h('table', { class: 'adherence-table' },
    h('caption', { class: 'sr-only' }, `Each prescribed exercise over the last ${days} days: times scheduled, done, skipped in a session done, and in sessions missed`),
    h('thead', {}, h('tr', {}, ['Exercise', 'Scheduled', 'Done', 'Skipped', 'Missed', 'Done %'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map(row)));
}
