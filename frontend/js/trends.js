import { api } from './api.js';
import { makeChart } from './charts.js';
import { insightPanel, myOutcomes } from './outcomes.js';
import { adherenceWords, progressCard } from './progress.js';
import { h, heading, nextId, say, score, statusLine } from './ui.js';

const REGIONS = [['low_back', 'Low back'], ['neck', 'Neck'], ['headache', 'Headache']];
const RANGES = [7, 30, 90];

export async function render(screen) {
  screen.append(heading('Trends'));
  const summary = api('/me/summary?days=28').catch(() => null);
  const panel = trendPanel((days) => api(`/me/trends?days=${days}`), 'your');
  const insights = insightPanel(() => api('/me/insights'), { plain: true });
  const outcomes = myOutcomes();
  // Shown together once the progress card's figures and the chart are in, so
  // nothing above the fold moves when they arrive (layout shift).
  const progress = await summary;
  await panel.ready;
  screen.append(h('div', { class: 'progress-slot' }, progress ? progressCard(progress) : null), panel, insights);
  screen.append(await outcomes);
}

/** The 7/30/90-day switch, the chart, its text summary and adherence. */
export function trendPanel(load, whose = 'your') {
  const status = statusLine();
  const summaryId = nextId('summary');
  const chart = h('div', { class: 'chart', role: 'img', 'aria-describedby': summaryId });
  const summary = h('div', { class: 'sr-only', id: summaryId });
  const adherence = h('p', { class: 'adherence' });
  const buttons = RANGES.map((days) => h('button', {
    type: 'button', class: 'seg', 'aria-pressed': 'false', onclick: () => show(days),
  }, `${days} days`));
  const panel = h('section', { class: 'card trends' },
    h('div', { class: 'segments', role: 'group', 'aria-label': 'Period' }, buttons),
    adherence, chart, summary, status,
    h('p', { class: 'hint' }, 'Dots: the day\'s average score, 0 = no pain, 10 = worst imaginable. Lines: the mean of the last 7 days. Triangles: pain during an exercise, not part of the day\'s average. Along the bottom, one circle for each day a session was due: filled = done, half = partly done, empty = missed.'));

  let latest = 0;
  async function show(days) {
    const ticket = ++latest;
    buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(RANGES[i] === days)));
    chart.setAttribute('aria-label', `Pain trends, last ${days} days`);
    say(status, '');
    let data;
    try {
      data = await load(days);
    } catch (error) {
      if (ticket === latest) say(status, error.message, 'error');
      return;
    }
    if (ticket !== latest) return;
    adherence.replaceChildren(...adherenceText(data));
    summary.textContent = describe(data, days, whose);
    try {
      await makeChart(chart, columns(data), marks(data), sessionMarks(data));
    } catch (error) {
      say(status, `${error.message} The summary above still holds the figures.`, 'error');
    }
  }
  panel.ready = show(30);
  return panel;
}

export function columns(data) {
  const x = data.days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
  return [
    x,
    ...REGIONS.map(([key]) => data.days.map((d) => d[key])),
    ...REGIONS.map(([key]) => data.rolling_7[key]),
  ];
}

/** Each day's sessions as one mark: all done, partly done (some, or a part), or
 * missed (a past day's due session with nothing done); null when none was due. */
export function sessionMarks(data) {
  return data.days.map((d) => {
    const done = d.sessions_done;
    const partly = d.sessions_partly_done || 0;
    if (!d.sessions_scheduled) return null;
    if (done === d.sessions_scheduled) return 'done';
    if (done || partly) return 'partly';
    return d.date < data.to ? 'missed' : null;
  });
}

/** Pain during an exercise, apart from the daily values: uPlot marks. */
export function marks(data) {
  return (data.exercise_pain || []).map((p) => ({
    x: Date.parse(`${p.date}T00:00:00Z`) / 1000, score: p.score, region: p.region,
  }));
}

function exercisePainText(data) {
  const reports = data.exercise_pain || [];
  if (!reports.length) return '';
  const top = reports.reduce((a, b) => (b.score > a.score ? b : a));
  const region = REGIONS.find(([key]) => key === top.region)?.[1] || top.region;
  return ` Pain during an exercise: ${reports.length} ${reports.length === 1 ? 'score' : 'scores'}, the highest ${top.score} (${region}, ${top.exercise_name}, ${top.date}); not part of the daily averages.`;
}

function adherenceText(data) {
  if (data.adherence == null) return ['Adherence: no sessions were due in this period.'];
  const days = data.days.length;
  return ['Adherence: ', h('strong', {}, `${Math.round(data.adherence * 100)} %`),
    ` (${adherenceWords(data.adherence_detail, days)})`];
}

function describe(data, days, whose) {
  const parts = REGIONS.map(([key, label]) => {
    const values = data.days.map((d) => d[key]).filter((v) => v != null);
    if (!values.length) return `${label}: no entries.`;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const last7 = data.rolling_7[key].filter((v) => v != null).at(-1);
    return `${label}: average ${score(mean)}, from ${score(values[0])} on the first entry to ${score(values.at(-1))} on the last; 7-day mean now ${score(last7)}.`;
  });
  const count = (state) => sessionMarks(data).filter((s) => s === state).length;
  const sessions = `Days with sessions done: ${count('done')}, partly done: ${count('partly')}, missed: ${count('missed')}.`;
  return `Pain trends, ${whose === 'your' ? 'your' : `${whose}'s`} last ${days} days, from ${data.from} to ${data.to}, on a scale of 0 (no pain) to 10 (worst imaginable). ${parts.join(' ')} ${sessions}${exercisePainText(data)}`;
}
