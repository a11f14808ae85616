// Questionnaire scores over time (baseline, change, whether it passed the minimal
// important change) and insights, for the patient's Trends screen and the
// therapist's patient page; and the therapist's form to schedule an instrument.
import { api } from './api.js';
import { makeScoreChart } from './charts.js';
import { clearErrors, field, formatDay, h, isoDay, nextId, say, showError, statusLine } from './ui.js';

const points = (n) => `${n} ${n === 1 ? 'point' : 'points'}`;
const CAUTION = 'This shows what happened together, not what caused it.';
const signed = (n) => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '0');
// An instrument may have no bands (PEG-3): then the score stands alone.
const banded = (r) => (r.band ? ` (${r.band})` : '');

/** One sentence on where the scores stand, for the card and for screen readers. */
export function changeText(schedule, whose = 'your') {
  const { responses, better, minimal_important_change: mic } = schedule;
  const latest = responses.at(-1);
  if (!latest) return 'No answers yet.';
  const own = whose === 'your' ? 'Your' : `${whose}'s`;
  if (mic.type === 'rating') {
    return `${own} latest answer (${formatDay(latest.date)}): ${latest.band}. ${latest.meaningful ? 'This counts as a meaningful improvement.' : 'This is not yet counted as a meaningful improvement.'}`;
  }
  const base = responses.find((r) => r.baseline);
  if (!base || latest.change_from_baseline == null) return `${own} latest score: ${latest.score}${banded(latest)}.`;
  if (latest === base) return `${own} first score, the baseline: ${base.score}${banded(base)}. Later answers are compared with it.`;
  const way = better === 'lower' ? 'lower' : 'higher';
  const verdict = latest.meaningful
    ? `That passes the minimal important change of ${points(mic.value)}.`
    : `The minimal important change is ${points(mic.value)} ${way} than the baseline.`;
  return `${own} latest score: ${latest.score}${banded(latest)} on ${formatDay(latest.date)}, ${signed(latest.change_from_baseline)} since the baseline of ${base.score} on ${formatDay(base.date)}. ${verdict}`;
}

function scoreCard(schedule, whose) {
  const chartId = nextId('q');
  const text = changeText(schedule, whose);
  const latest = schedule.responses.at(-1);
  const chart = h('div', { class: 'chart small', role: 'img', 'aria-label': `${schedule.title} scores over time. ${text}`, id: chartId });
  const card = h('section', { class: 'card outcome', 'data-questionnaire': schedule.slug },
    h('h3', {}, schedule.title, h('span', { class: 'sub' }, schedule.name)),
    latest ? h('p', { class: `verdict ${latest.meaningful ? 'better' : ''}` }, text) : h('p', {}, text),
    schedule.responses.length > 1 ? chart : null,
    h('p', { class: 'hint' }, `${schedule.better === 'lower' ? 'Lower' : 'Higher'} is better. Scale ${schedule.score_range[0]} to ${schedule.score_range[1]}.`,
      schedule.minimal_important_change.basis === 'starting_value' ? ' The minimal important change is a starting value set by your clinic.' : ''));
  if (schedule.responses.length > 1) {
    const x = schedule.responses.map((r) => Date.parse(`${r.date}T00:00:00Z`) / 1000);
    const base = schedule.responses.find((r) => r.baseline);
    makeScoreChart(chart, {
      x, y: schedule.responses.map((r) => r.score), baseline: base ? base.score : null,
      range: schedule.score_range, label: schedule.title,
    }).catch(() => chart.replaceChildren(h('p', { class: 'hint' }, 'The chart could not be drawn; the sentence above holds the figures.')));
  }
  return card;
}

/** Score cards for `schedules` = [{slug, title, name, better, score_range, minimal_important_change, responses}]. */
export function scoreCards(box, schedules, whose = 'your') {
  const shown = schedules.filter((s) => s.responses.length);
  box.replaceChildren(...(shown.length
    ? shown.map((s) => scoreCard(s, whose))
    : [h('p', { class: 'hint' }, 'No questionnaire answers yet.')]));
}

/** The patient's own: responses grouped by instrument, with each instrument's rules. */
export async function myOutcomes() {
  const box = h('div', { class: 'outcomes' }, h('p', { class: 'loading' }, 'Loading…'));
  const section = h('section', { 'aria-labelledby': 'outcomes-h' }, h('h2', { id: 'outcomes-h' }, 'Questionnaires'), box);
  try {
    const [instruments, responses] = await Promise.all([api('/questionnaires'), api('/me/questionnaire-responses')]);
    const schedules = instruments.map((q) => ({ ...q, responses: responses.filter((r) => r.questionnaire === q.slug) }));
    scoreCards(box, schedules);
  } catch (error) {
    box.replaceChildren(h('p', { class: 'status error' }, error.message));
  }
  return section;
}

/** Insights, or why there are none yet. For the patient (`plain`), each in plain
 * words with its figures behind "How we worked this out"; for the therapist, the figures. */
export function insightPanel(load, { plain = false } = {}) {
  const list = h('ul', { class: 'insights' }, h('li', { class: 'loading' }, 'Loading…'));
  const caution = h('p', { class: 'note', hidden: true }, `${CAUTION} Pain changes for many reasons; talk it over with your therapist.`);
  const panel = h('section', { class: 'card', 'aria-labelledby': 'insights-h' },
    h('h2', { id: 'insights-h' }, 'What went together with less pain'), caution, list);
  // Each sentence ends with the caution; it is shown once, above the list.
  const figures = (f) => f.sentence.replace(` ${CAUTION}`, '');
  const item = (f) => (plain && f.plain
    ? h('li', { class: 'insight' }, h('p', {}, f.plain), h('details', { class: 'how' },
      h('summary', {}, 'How we worked this out'),
      h('p', {}, figures(f)),
      h('p', {}, 'We took the average of your daily pain scores on each side. Days or weeks without a pain entry are left out.')))
    : h('li', { class: 'insight' }, figures(f)));
  load().then((found) => {
    caution.hidden = !found.length;
    list.replaceChildren(...(found.length
      ? found.map(item)
      : [h('li', {}, 'Not enough data yet. After about four weeks of pain entries and sessions, this shows how pain went on days after sessions and after each exercise.')]));
  }, (error) => list.replaceChildren(h('li', { class: 'error' }, error.message)));
  return panel;
}

/** The therapist's view: score cards, and the form to schedule an instrument. */
export function patientOutcomes(patient) {
  const base = `/patients/${patient.id}/questionnaires`;
  const cards = h('div', { class: 'outcomes' });
  const schedules = h('ul', { class: 'plans' });
  const status = statusLine();
  const section = h('section', { 'aria-labelledby': 'pq-h' }, h('h2', { id: 'pq-h' }, 'Questionnaires'), status, schedules, cards);
  const refresh = async () => {
    try {
      const list = await api(base);
      schedules.replaceChildren(...list.map((s) => h('li', { class: 'plan' },
        h('p', {}, h('strong', {}, s.title), ` every ${s.every_days} days from ${formatDay(s.start_date)}`),
        h('p', { class: 'sub' }, s.due ? 'Due now' : `Next due ${formatDay(s.next_due)}`,
          s.goals?.length ? ` · Goals: ${s.goals.map((g) => g.text).join('; ')}` : ''))));
      scoreCards(cards, list, patient.name);
    } catch (error) {
      say(status, error.message, 'error');
    }
  };
  refresh();
  return [section, scheduleForm(patient, refresh)];
}

function scheduleForm(patient, onDone) {
  const select = h('select', { name: 'questionnaire', required: true }, h('option', { value: '' }, 'Loading…'));
  const every = h('input', { type: 'number', name: 'every_days', min: '1', max: '365', value: '14', inputmode: 'numeric' });
  const start = h('input', { type: 'date', name: 'start_date' });
  const goals = h('textarea', { name: 'goals', rows: '3', maxlength: '1100' });
  const goalsField = field('Goals, one a line', goals, 'Activities the patient wants to do again, e.g. "Sit at my desk for an hour". Rated 0 (unable) to 10 (as well as before).');
  goalsField.hidden = true;
  const about = h('p', { class: 'hint', 'aria-live': 'polite' });
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Schedule questionnaire');
  const form = h('form', { class: 'card schedule-questionnaire', novalidate: true },
    h('h2', {}, 'Schedule a questionnaire'), field('Questionnaire', select), about, goalsField,
    h('div', { class: 'pair' }, field('Every … days', every), field('From', start, 'Empty: the patient\'s today.')),
    status, button);
  let instruments = [];
  select.addEventListener('change', () => {
    const chosen = instruments.find((q) => q.slug === select.value);
    goalsField.hidden = !chosen?.per_patient_items;
    about.textContent = chosen ? `${chosen.summary} Source: ${chosen.source.citation}` : '';
  });
  api('/questionnaires').then((list) => {
    instruments = list;
    select.replaceChildren(h('option', { value: '' }, 'Choose a questionnaire'),
      ...list.map((q) => h('option', { value: q.slug }, `${q.title}: ${q.name}`)));
  }, (error) => say(status, error.message, 'error'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!select.value) return showError(form, status, { status: 422, errors: { questionnaire: ['Choose a questionnaire.'] } });
    const body = { questionnaire: select.value, every_days: Number(every.value) };
    if (start.value) body.start_date = start.value;
    if (!goalsField.hidden) body.goals = goals.value.split('\n').map((g) => g.trim()).filter(Boolean);
    button.disabled = true;
    try {
      const made = await api(`/patients/${patient.id}/questionnaires`, { method: 'POST', body });
      say(status, `${made.title} scheduled every ${made.every_days} days; next due ${made.next_due === isoDay() ? 'today' : formatDay(made.next_due)}.`, 'ok');
      onDone();
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });
  return form;
}
