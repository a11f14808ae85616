// Charts over uPlot's columnar data. uPlot is fetched the first time a chart is
// drawn, so screens without a chart do not pay for it.

let loading = null;

export function loadUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  loading ||= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/vendor/uPlot.min.css';
    document.head.append(css);
    const script = document.createElement('script');
    script.src = '/vendor/uPlot.iife.min.js';
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => {
      loading = null;
      reject(new Error('The chart library could not be loaded.'));
    };
    document.head.append(script);
  });
  return loading;
}

// Okabe-Ito colours: told apart by people with colour-blindness too.
export const COLOURS = { low_back: '#d55e00', neck: '#0072b2', headache: '#009e73' };
const LABELS = { low_back: 'Low back', neck: 'Neck', headache: 'Headache' };
const fade = (hex) => `${hex}88`;

function painSeries(uPlot) {
  const daily = Object.keys(COLOURS).map((key) => ({
    label: LABELS[key],
    scale: 'pain',
    stroke: fade(COLOURS[key]),
    width: 1,
    points: { show: true, size: 6, fill: COLOURS[key], stroke: COLOURS[key] },
    value: (u, v) => (v == null ? '–' : v.toFixed(1)),
  }));
  const rolling = Object.keys(COLOURS).map((key) => ({
    label: `${LABELS[key]}, 7-day mean`,
    scale: 'pain',
    stroke: COLOURS[key],
    width: 3,
    spanGaps: true,
    points: { show: false },
    value: (u, v) => (v == null ? '–' : v.toFixed(1)),
  }));
  const sessions = {
    label: 'Sessions done',
    scale: 'n',
    fill: '#0f5f5c33',
    stroke: '#0f5f5c88',
    width: 1,
    paths: uPlot.paths.bars({ size: [0.6, 28] }),
    points: { show: false },
  };
  return [{ label: 'Day' }, ...daily, ...rolling, sessions];
}

// Pain reported during an exercise ("Stop: this hurts"): a hollow triangle in the
// region's colour at the report's day and score, drawn over the plot rather than
// as a series, since it is part of no day's mean nor of the 7-day line.
function drawMarks(marks, ratio) {
  return (u) => {
    const { ctx } = u;
    const r = 5.5 * ratio;
    ctx.save();
    ctx.lineWidth = 2 * ratio;
    for (const mark of marks) {
      const x = u.valToPos(mark.x, 'x', true);
      const y = u.valToPos(mark.score, 'pain', true);
      ctx.beginPath();
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y + r * 0.8);
      ctx.lineTo(x - r, y + r * 0.8);
      ctx.closePath();
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.strokeStyle = COLOURS[mark.region] || '#333';
      ctx.stroke();
    }
    ctx.restore();
  };
}

function legend(marks) {
  const item = (cls, colour, text) => {
    const mark = document.createElement('span');
    mark.className = `mark ${cls}`;
    if (cls === 'triangle') mark.textContent = '△';
    else mark.style.background = colour;
    const li = document.createElement('li');
    li.append(mark, text);
    return li;
  };
  const list = document.createElement('ul');
  list.className = 'legend';
  list.append(
    ...Object.keys(COLOURS).map((key) => item('dot', COLOURS[key], LABELS[key])),
    item('line', '#555', '7-day mean'),
    item('bar', '#0f5f5c55', 'Sessions done (right axis)'),
  );
  if (marks.length) list.append(item('triangle', '', 'Pain during an exercise'));
  return list;
}

/**
 * Draws the pain-trend chart into `el`. `columns` is uPlot's columnar data:
 * [days as unix seconds (UTC midnight), low back, neck, headache, the three
 * 7-day means, sessions done]. `marks`: pain during an exercise, {x: the day
 * as unix seconds, score, region}, drawn apart. Resolves with the uPlot instance.
 */
export async function makeChart(el, columns, marks = []) {
  const uPlot = await loadUPlot();
  const maxSessions = Math.max(2, ...columns[7].map((n) => n || 0));
  const size = () => ({ width: Math.max(280, el.clientWidth || 340), height: el.clientWidth > 700 ? 320 : 260 });
  const options = {
    ...size(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    series: painSeries(uPlot),
    scales: {
      x: { time: true },
      pain: { range: [0, 10] },
      n: { range: [0, maxSessions * 2.5] },
    },
    axes: [
      { stroke: '#333', grid: { stroke: '#0001' } },
      { scale: 'pain', stroke: '#333', label: 'Pain 0–10', grid: { stroke: '#0001' }, splits: () => [0, 2, 4, 6, 8, 10] },
      { scale: 'n', side: 1, size: 30, stroke: '#0f5f5c', grid: { show: false }, incrs: [1], values: (u, ticks) => ticks.map((t) => (t <= maxSessions ? t : '')) },
    ],
    legend: { show: false },
    cursor: { points: { size: 8 } },
    hooks: { draw: [drawMarks(marks, uPlot.pxRatio || 1)] },
  };
  el.replaceChildren();
  const chart = new uPlot(options, columns, el);
  el.append(legend(marks));
  const observer = new ResizeObserver(() => {
    if (!el.isConnected) return observer.disconnect();
    const next = size();
    if (next.width !== chart.width) chart.setSize(next);
  });
  observer.observe(el);
  return chart;
}

/**
 * Draws one questionnaire's scores over time into `el`: the scores as points and
 * a line, the baseline as a dashed line. `series` = {x: unix seconds, y: scores,
 * baseline, range: [min, max], label}. Resolves with the uPlot instance.
 */
export async function makeScoreChart(el, series) {
  const uPlot = await loadUPlot();
  const size = () => ({ width: Math.max(260, el.clientWidth || 320), height: 200 });
  const baseline = series.x.map(() => series.baseline);
  const options = {
    ...size(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    series: [
      { label: 'Day' },
      { label: series.label, stroke: '#0072b2', width: 2, points: { show: true, size: 8, fill: '#0072b2' } },
      { label: 'Baseline', stroke: '#555', width: 1, dash: [6, 4], points: { show: false } },
    ],
    scales: { x: { time: true }, y: { range: series.range } },
    axes: [{ stroke: '#333', grid: { stroke: '#0001' } }, { stroke: '#333', grid: { stroke: '#0001' } }],
    legend: { show: false },
  };
  el.replaceChildren();
  const chart = new uPlot(options, [series.x, series.y, baseline], el);
  const list = document.createElement('ul');
  list.className = 'legend';
  for (const [cls, colour, text] of [['dot', '#0072b2', series.label], ['line', '#555', 'Baseline (first answer)']]) {
    const mark = document.createElement('span');
    mark.className = `mark ${cls}`;
    mark.style.background = colour;
    const li = document.createElement('li');
    li.append(mark, text);
    list.append(li);
  }
  el.append(list);
  const observer = new ResizeObserver(() => {
    if (!el.isConnected) return observer.disconnect();
    const next = size();
    if (next.width !== chart.width) chart.setSize(next);
  });
  observer.observe(el);
  return chart;
}
