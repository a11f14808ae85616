import { api } from './api.js';
import { alertCard } from './alerts.js';
import { therapistPanel } from './messages.js';
import { exerciseAdherence, prescriptionView } from './plan-view.js';
import { tailorDialog } from './tailor.js';
import { toBody, toModel } from './plan-editor.js';
import { insightPanel, patientOutcomes } from './outcomes.js';
import { modeSelect, suggestionsPanel } from './progression.js';
import { progressBand } from './progress.js';
import { trendPanel } from './trends.js';
import { patientHead } from './patient-head.js';
import { careTeamSection } from './care-team.js';
import { addDays, clearErrors, field, formatDay, formatTime, h, isoDay, say, score, showError, sourceLine, statusLine } from './ui.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const STATUS_WORD = { active: 'Active', paused: 'Paused', stopped: 'Stopped' };

const SECTION_OF = {
  overview: overviewSection,
  plan: planSection,
  progress: progressSection,
  outcomes: outcomesSection,
  messages: (patient) => [h('h2', { class: 'sr-only' }, 'Messages'), therapistPanel(patient)],
  team: careTeamSection,
};

export async function render(screen, { id, section }) {
  if (!SECTION_OF[section]) section = 'overview';
  const head = await patientHead(screen, id, section);
  if (!head) return;
  const { patient, summary, status } = head;
  const draw = SECTION_OF[section] || overviewSection;
  screen.append(h('div', { class: `patient-section section-${section}`, id: `section-${section}` },
    ...draw(patient, summary, status)));
}

function overviewSection(patient, summary) {
  const alerts = h('div');
  drawAlerts(alerts, patient.id);
  return [
    summary ? progressBand(summary, { figures: false }) : null,
    alerts,
    h('div', { class: 'columns even' }, recentPain(`/patients/${patient.id}`), recentSessions(`/patients/${patient.id}`)),
  ];
}

function planSection(patient) {
  const plans = h('section', { class: 'card' });
  drawPlans(plans, patient, patient.assignments);
  return [suggestionsPanel(patient.id, () => drawPlans(plans, patient)), h('div', { class: 'columns' },
    h('div', {}, plans),
    h('div', {}, assignForm(patient, () => drawPlans(plans, patient))))];
}

function progressSection(patient) {
  const base = `/patients/${patient.id}`;
  return [
    h('div', { class: 'columns' },
      h('div', {}, h('h2', {}, 'Trends'), trendPanel((days) => api(`${base}/trends?days=${days}`), patient.name)),
      h('div', {}, exerciseAdherence(patient.id))),
    exerciseFeedback(base),
  ];
}

function outcomesSection(patient) {
  return [h('div', { class: 'columns' },
    h('div', {}, insightPanel(() => api(`/patients/${patient.id}/insights`))),
    h('div', {}, ...patientOutcomes(patient)))];
}

async function drawAlerts(box, patientId) {
  let open;
  try {
    open = await api(`/alerts?status=open&patient_id=${patientId}`);
  } catch {
    return;
  }
  const refresh = () => window.dispatchEvent(new Event('alertschange'));
  box.replaceChildren(...(open.length ? [h('h2', {}, 'Open alerts')] : []),
    ...open.map((alert) => alertCard(alert, { onChange: refresh })));
}

async function drawPlans(box, patient, given) {
  const status = statusLine();
  box.replaceChildren(h('h2', {}, 'Programs'), status);
  let list = given;
  try {
    list ||= await api(`/patients/${patient.id}/assignments`);
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  list = list.filter((a) => a.status !== 'stopped');
  if (!list.length) {
    box.append(h('p', {}, 'No active program. Assign one below.'));
    return;
  }
  box.append(h('ul', { class: 'plans' }, list.map((a, i) => planItem(a, box, patient, i === 0))));
}

function planItem(a, box, patient, first) {
  const item = h('li', { class: `plan ${a.status}` },
    h('p', {}, h('strong', {}, a.program_title || a.program), ` (version ${a.program_version})`),
    h('p', { class: 'sub' }, `${STATUS_WORD[a.status] || a.status} · ${formatDay(a.start_date)} to ${formatDay(a.end_date)}`,
      a.days_of_week ? ` · ${a.days_of_week.map((d) => DAYS[d]).join(', ')}` : '',
      a.sessions_per_day ? ` · ${a.sessions_per_day} a day` : ''));
  const status = statusLine();
  const act = (label, next) => {
    const button = h('button', { type: 'button', class: next === 'stopped' ? 'danger' : 'secondary' }, label);
    button.setAttribute('aria-label', `${label} ${a.program_title || a.program}`);
    button.addEventListener('click', async () => {
      if (next === 'stopped' && !confirm(`Stop ${a.program_title || a.program}? This cannot be undone.`)) return;
      try {
        await api(`/assignments/${a.id}`, { method: 'PATCH', body: { status: next } });
        drawPlans(box, patient);
      } catch (error) {
        say(status, error.message, 'error');
      }
    });
    return button;
  };
  const tailor = h('a', { class: 'button', href: `#/patients/${patient.id}/plans/${a.id}` }, 'Tailor plan');
  tailor.setAttribute('aria-label', `Tailor plan ${a.program_title || a.program}`);
  item.append(prescriptionView(a, first), a.status !== 'stopped' ? modeSelect(a) : '', h('div', { class: 'actions' }, tailor,
    a.status === 'active' ? act('Pause', 'paused') : act('Resume', 'active'),
    act('Stop', 'stopped')), status);
  return item;
}

function assignForm(patient, onDone) {
  const program = h('select', { name: 'program', required: true }, h('option', { value: '' }, 'Loading programs…'));
  const start = h('input', { type: 'date', name: 'start_date' });
  const weeks = h('input', { type: 'number', name: 'weeks', min: '1', max: '52', inputmode: 'numeric' });
  const perDay = h('input', { type: 'number', name: 'sessions_per_day', min: '1', max: '3', value: '1', inputmode: 'numeric' });
  const days = DAYS.map((d, i) => h('input', { type: 'checkbox', id: `dow-${i}`, value: String(i), class: 'tick' }));
  const daysErr = h('p', { class: 'field-error', id: 'days_of_week-err', hidden: true });
  const dayHolder = h('input', { type: 'hidden', name: 'days_of_week', id: 'days_of_week' });
  const status = statusLine();
  const about = h('p', { class: 'hint', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Assign program');
  const note = h('textarea', { name: 'note', rows: '2', maxlength: '2000' });
  const tailoring = tailorControls(program, weeks, () => programs.find((p) => p.slug === program.value));
  const form = h('form', { class: 'card assign', novalidate: true },
    h('h2', {}, 'Assign program'),
    field('Program', program),
    about,
    field('Start date', start, 'Empty: the patient\'s today. A past date counts its earlier sessions as missed.'),
    h('fieldset', { class: 'days' }, h('legend', {}, 'Days of the week'),
      h('div', { class: 'day-grid' }, days.map((box, i) => h('div', { class: 'tick-row' }, box,
        h('label', { for: box.id }, h('abbr', { title: DAY_NAMES[i] }, DAYS[i]))))),
      dayHolder, daysErr),
    h('div', { class: 'pair' }, field('Sessions per day', perDay), field('Weeks (optional)', weeks, 'Default: the program\'s own length.')),
    tailoring.box,
    field('Note for the patient (optional)', note, 'Shown on Today with the exercises.'),
    status, button);

  let programs = [];
  const setDefaults = () => {
    const chosen = programs.find((p) => p.slug === program.value);
    if (!chosen) return;
    const plan = chosen.days_of_week || [0, 2, 4];
    days.forEach((box, i) => { box.checked = plan.includes(i); });
    perDay.value = String(chosen.sessions_per_day || 1);
    weeks.placeholder = String(chosen.weeks);
    about.replaceChildren(chosen.summary || '', ' ', sourceLine(chosen.sources));
  };
  program.addEventListener('change', () => {
    setDefaults();
    tailoring.reset();
  });
  api('/programs').then((list) => {
    programs = list;
    program.replaceChildren(h('option', { value: '' }, 'Choose a program'),
      ...list.map((p) => h('option', { value: p.slug }, `${p.title} (${p.weeks} weeks)`)));
  }, (error) => say(status, error.message, 'error'));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { program: program.value, days_of_week: days.filter((b) => b.checked).map((b) => Number(b.value)) };
    if (start.value) body.start_date = start.value;
    if (weeks.value) body.weeks = Number(weeks.value);
    if (perDay.value) body.sessions_per_day = Number(perDay.value);
    if (note.value.trim()) body.note = note.value.trim();
    const phases = tailoring.phases();
    if (phases) body.phases = phases;
    if (!body.program) {
      showError(form, status, { status: 422, errors: { program: ['Choose a program.'] } });
      return;
    }
    button.disabled = true;
    try {
      const made = await api(`/patients/${patient.id}/assignments`, { method: 'POST', body });
      say(status, `Assigned ${made.program_title || made.program} from ${formatDay(made.start_date)}.`, 'ok');
      tailoring.reset();
      note.value = '';
      onDone();
    } catch (error) {
      showError(form, status, error);
      if (error.errors?.phases) tailoring.fix(error);
      if (error.errors?.days_of_week) days[0].focus();
    }
    button.disabled = false;
  });
  return form;
}

function recentPain(base) {
  const list = h('ul', { class: 'entries', tabindex: '0', 'aria-label': 'Recent pain entries' }, h('li', {}, 'Loading…'));
  api(`${base}/pain?from=${addDays(isoDay(), -30)}`).then((entries) => {
    const rows = entries.slice(-12).reverse().map((e) => h('li', {},
      h('span', {}, [['low_back', 'Low back'], ['neck', 'Neck'], ['headache', 'Headache']]
        .filter(([k]) => e[k] != null).map(([k, l]) => `${l} ${score(e[k])}`).join(' · '),
      e.notes ? h('span', { class: 'sub' }, ` “${e.notes}”`) : '',
      e.red_flags?.length ? h('strong', { class: 'flag' }, ' Red flag') : ''),
      h('span', { class: 'when' }, formatTime(e.recorded_at))));
    list.replaceChildren(...(rows.length ? rows : [h('li', {}, 'No entries in the last 30 days.')]));
  }, (error) => list.replaceChildren(h('li', { class: 'error' }, error.message)));
  return h('section', { class: 'card' }, h('h2', {}, 'Recent pain entries'), list);
}

const SESSION_WORD = { done: 'Done', partly_done: 'Partly done', missed: 'Missed', pending: 'Planned' };
const FINISHED = new Set(['done', 'partly_done']);

/** "Done", or "Partly done · 4 of 6" (exercises done in full). */
function sessionWord(s) {
  const word = SESSION_WORD[s.status] || s.status;
  if (s.status !== 'partly_done') return word;
  const count = s.exercises?.length || 0;
  return `${word} · ${Math.round((s.done_fraction || 0) * count)} of ${count}`;
}

function recentSessions(base) {
  const list = h('ul', { class: 'entries', tabindex: '0', 'aria-label': 'Sessions' }, h('li', {}, 'Loading…'));
  const today = isoDay();
  api(`${base}/sessions?from=${addDays(today, -14)}&to=${addDays(today, 7)}`).then((sessions) => {
    const rows = sessions.slice(-16).reverse().map((s) => h('li', { class: `session-${s.status}` },
      h('span', {}, `${formatDay(s.date)}: ${sessionWord(s)}`,
        FINISHED.has(s.status) && s.difficulty != null ? ` · difficulty ${s.difficulty}` : '',
        FINISHED.has(s.status) && s.pain_during != null ? ` · pain during ${s.pain_during}` : ''),
      h('span', { class: 'when' }, s.program_title || s.program || '')));
    list.replaceChildren(...(rows.length ? rows : [h('li', {}, 'No sessions in these three weeks.')]));
  }, (error) => list.replaceChildren(h('li', { class: 'error' }, error.message)));
  return h('section', { class: 'card' }, h('h2', {}, 'Sessions, last 2 weeks and next week'), list);
}

const EFFORT_WORDS = [['too_easy', 'too easy'], ['right', 'about right'], ['too_hard', 'too hard']];

/** How each exercise went over the last 30 days, from the session player. */
function exerciseFeedback(base) {
  const body = h('tbody', {}, h('tr', {}, h('td', { colspan: '5' }, 'Loading…')));
  const table = h('table', { class: 'feedback-table' },
    h('caption', { class: 'sr-only' }, 'Feedback per exercise, last 30 days'),
    h('thead', {}, h('tr', {}, ['Exercise', 'Done', 'Pain during', 'Effort', 'Stopped for pain'].map((t) => h('th', { scope: 'col' }, t)))),
    body);
  api(`${base}/exercise-feedback?days=30`).then((rows) => {
    if (!rows.length) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: '5' }, 'No sessions done in the last 30 days.')));
      return;
    }
    body.replaceChildren(...rows.map((row) => {
      const effort = EFFORT_WORDS.filter(([key]) => row.effort[key]).map(([key, word]) => `${row.effort[key]} ${word}`).join(', ');
      return h('tr', { class: row.stopped_for_pain || (row.mean_pain ?? 0) >= 5 ? 'alerting' : null },
        h('th', { scope: 'row' }, row.name),
        h('td', { 'data-label': 'Done' }, `${row.sessions}×`, row.skipped ? h('span', { class: 'sub' }, `skipped ${row.skipped}×`) : null),
        h('td', { 'data-label': 'Pain during' }, row.mean_pain == null ? '–' : `${score(row.mean_pain)} (mean of ${row.pain_reports})`),
        h('td', { 'data-label': 'Effort' }, effort || '–'),
        h('td', { 'data-label': 'Stopped for pain' }, row.stopped_for_pain ? h('strong', { class: 'flag' }, `${row.stopped_for_pain}×`) : '0'));
    }));
  }, (error) => body.replaceChildren(h('tr', {}, h('td', { colspan: '5', class: 'error' }, error.message))));
  return h('section', { class: 'card table-wrap' },
    h('h2', { class: 'pad' }, 'How each exercise went (last 30 days)'),
    h('p', { class: 'hint pad' }, 'From the session player: pain during each exercise (0-10), the effort the patient felt, and “Stop: this hurts”.'),
    table);
}

/** Stretches or clips the phases to a plan of `weeks` weeks, as the server does. */
function fitWeeks(model, weeks) {
  if (!weeks) return model;
  const kept = model.filter((phase) => phase.weeks[0] <= weeks);
  kept.at(-1).weeks[1] = weeks;
  return kept;
}

/** "Tailor exercises first": the program's phases, edited in a dialog before assigning. */
function tailorControls(program, weeks, chosen) {
  let model = null;
  const line = h('p', { class: 'hint', 'aria-live': 'polite' });
  const open = h('button', { type: 'button', class: 'secondary' }, 'Tailor exercises first');
  const undo = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Use the program as written');
  const show = () => {
    const count = model ? model.reduce((n, p) => n + p.exercises.length, 0) : 0;
    line.textContent = model ? `Tailored: ${count} exercises in ${model.length} phases.` : 'Assigned as written, or tailor the exercises for this patient first.';
    open.textContent = model ? 'Edit tailored exercises' : 'Tailor exercises first';
    undo.hidden = !model;
  };
  const edit = async (error) => {
    const current = chosen();
    if (!current) {
      program.focus();
      line.textContent = 'Choose a program first.';
      return;
    }
    try {
      model ||= toModel((await api(`/programs/${current.slug}`)).sessions);
    } catch (failure) {
      line.textContent = failure.message;
      return;
    }
    model = fitWeeks(model, Number(weeks.value) || 0);
    model = (await tailorDialog(current.title, model, error)) || model;
    show();
    open.focus();
  };
  open.addEventListener('click', () => edit());
  undo.addEventListener('click', () => {
    model = null;
    show();
    open.focus();
  });
  show();
  return {
    box: h('div', { class: 'tailor-box' }, line, h('div', { class: 'actions' }, open, undo)),
    phases: () => (model ? toBody(fitWeeks(model, Number(weeks.value) || 0)) : null),
    reset: () => { model = null; show(); },
    fix: (error) => edit(error),
  };
}
