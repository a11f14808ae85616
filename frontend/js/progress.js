// The clinical picture (GET …/summary) as one card: the same verdict, adherence
// and changes every other screen and the report show. Therapists get the figures
// and reasons; patients the same facts in plain sentences.
import { h } from './ui.js';

const VERDICT = {
  improving: ['Improving', 'good'],
  unchanged: ['No meaningful change', 'neutral'],
  worsening: ['Worsening', 'bad'],
  insufficient_data: ['Not enough data yet', 'neutral'],
};
const PATIENT_VERDICT = {
  improving: 'You are improving.',
  unchanged: 'Your scores have not changed much yet.',
  worsening: 'Your pain has been getting worse. Please tell your therapist.',
  insufficient_data: 'Keep logging your pain: after about two weeks we can show how it is changing.',
};
const REGION = { low_back: 'low back pain', neck: 'neck pain', headache: 'headache' };

function percent(ratio) {
  return ratio == null ? '–' : `${Math.round(ratio * 100)} %`;
}

/** "6 done, 4 partly done, 1 missed of 11 due in the last 28 days". */
export function adherenceWords(a, days) {
  if (!a.due) return `No sessions were due in the last ${days} days.`;
  const parts = [`${a.done} done`];
  if (a.partly_done) parts.push(`${a.partly_done} partly done`);
  if (a.missed) parts.push(`${a.missed} missed`);
  return `${parts.join(', ')} of ${a.due} due in the last ${days} days`;
}

/** The therapist's summary band: verdict, adherence, reasons. With `figures`
 * false (under the patient page's own band), only the words behind them. */
export function progressBand(summary, { figures = true } = {}) {
  const [word, tone] = VERDICT[summary.verdict];
  const a = summary.adherence;
  return h('section', { class: `card progress-band ${tone}`, 'aria-label': 'Clinical summary' },
    figures ? null : [h('h2', {}, `Why “${word}”`),
      h('p', {}, `Sessions: ${adherenceWords(a, summary.window.days).replace(/\.?$/, '.')}`)],
    figures && h('div', { class: 'progress-figures' },
      h('p', {}, h('span', { class: 'label' }, 'Progress'), h('strong', { class: `verdict ${tone}` }, word)),
      h('p', {}, h('span', { class: 'label' }, `Adherence, ${summary.window.days} days`),
        h('strong', {}, percent(a.ratio)), h('span', { class: 'hint' }, ` ${adherenceWords(a, summary.window.days)}`))),
    summary.reasons.length
      ? h('ul', { class: 'reasons' }, ...summary.reasons.map((r) => h('li', { class: r.direction }, r.text)))
      : h('p', { class: 'hint' }, 'Needs at least two days of scores in the baseline week and in the last 7 days, or two questionnaire answers.'),
    h('p', { class: 'hint' }, 'Pain: last 7 days against the baseline week; meaningful = at least 2 points and 30 %. Questionnaires: against their own minimal important change.'));
}

/** The patient's card: the same facts, in two or three sentences. */
export function progressCard(summary) {
  const changes = Object.keys(REGION).map((key) => [key, summary.pain[key]])
    .filter(([, c]) => c.direction === 'better' || c.direction === 'worse')
    .map(([key, c]) => `${REGION[key]} ${c.baseline} → ${c.recent}`);
  const better = summary.questionnaires.filter((q) => q.direction === 'better').map((q) => q.title);
  const a = summary.adherence;
  return h('section', { class: 'card progress-card', 'aria-label': 'Your progress' },
    h('h2', {}, 'Your progress'),
    h('p', { class: 'lead' }, PATIENT_VERDICT[summary.verdict]),
    changes.length ? h('p', {}, `Since you started (out of 10): ${changes.join(', ')}.`) : null,
    better.length ? h('p', {}, `Your ${better.join(' and ')} ${better.length > 1 ? 'scores have' : 'score has'} improved.`) : null,
    a.due ? h('p', {}, `Exercise sessions, last ${summary.window.days} days: ${percent(a.ratio)} (${adherenceWords(a, summary.window.days).replace(/ in the last \d+ days$/, '')}).`) : null);
}
