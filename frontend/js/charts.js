// Charts over uPlot's columnar data. uPlot is fetched the first time a chart is
// drawn, so screens without a chart do not pay for it.

let loading = null;

export function loadUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  // Resolves once the script and its stylesheet are both in: a chart drawn
  // before its CSS arrives would change size under the reader (layout shift).
  loading ||= new Promise((resolve, reject) => {
    const fail = () => {
      loading = null;
      reject(new Error('The chart library could not be loaded.'));
    };
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/vendor/uPlot.min.css';
    const styled = new Promise((done) => { css.onload = done; css.onerror = done; });
    document.head.append(css);
    const script = document.createElement('script');
    script.src = '/vendor/uPlot.iife.min.js';
    script.onload = () => styled.then(() => resolve(window.uPlot));
    script.onerror = fail;
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
  return [{ label: 'Day' }, ...daily, ...rolling];
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

// Sessions: a strip of marks under the pain scale (at STRIP on the pain scale,
// below 0), one a day a session was due: filled = done, half = partly done,
// hollow = missed. Shapes as well as shading, so they are told apart without colour.
const STRIP = -1.1;
const TEAL = '#0f5f5c';

function drawStrip(sessions, ratio) {
  return (u) => {
    const { ctx } = u;
    const xs = u.data[0];
    const step = xs.length > 1 ? Math.abs(u.valToPos(xs[1], 'x', true) - u.valToPos(xs[0], 'x', true)) : 20;
    const r = Math.max(1.5 * ratio, Math.min(5 * ratio, step / 2.4));
    const y = u.valToPos(STRIP, 'pain', true);
    ctx.save();
    ctx.lineWidth = Math.max(1, 1.5 * ratio);
    sessions.forEach((state, i) => {
      if (!state) return;
      const x = u.valToPos(xs[i], 'x', true);
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.strokeStyle = state === 'missed' ? '#6b6b6b' : TEAL;
      ctx.stroke();
      if (state === 'missed') return;
      ctx.beginPath();
      if (state === 'done') ctx.arc(x, y, r, 0, 2 * Math.PI);
      else ctx.arc(x, y, r, Math.PI / 2, (3 * Math.PI) / 2);
      ctx.fillStyle = TEAL;
      ctx.fill();
    });
    ctx.restore();
  };
}

function legend(marks, sessions) {
  const item = (cls, colour, text) => {
    const mark = document.createElement('span');
    mark.className = `mark ${cls}`;
    if (cls === 'triangle') mark.textContent = '△';
    else if (cls.startsWith('session')) mark.setAttribute('aria-hidden', 'true');
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
  );
  if (sessions.some(Boolean)) {
    list.append(item('session done', '', 'Session done'), item('session partly', '', 'Partly done'),
      item('session missed', '', 'Missed'));
  }
  if (marks.length) list.append(item('triangle', '', 'Pain during an exercise'));
  return list;
}

/**
 * Draws the pain-trend chart into `el`. `columns` is uPlot's columnar data:
 * [days as unix seconds (UTC midnight), low back, neck, headache, the three
 * 7-day means]. `marks`: pain during an exercise, {x: the day as unix seconds,
 * score, region}, drawn apart. `sessions`: each day's 'done', 'partly', 'missed'
 * or null (none due), drawn as a strip under the pain scale. Resolves with the
 * uPlot instance.
 */
export async function makeChart(el, columns, marks = [], sessions = []) {
  const uPlot = await loadUPlot();
  const strip = sessions.some(Boolean);
  const size = () => ({ width: Math.max(280, el.clientWidth || 340), height: el.clientWidth > 700 ? 320 : 260 });
  const options = {
    ...size(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    series: painSeries(uPlot),
    scales: {
      x: { time: true },
      pain: { range: [strip ? STRIP - 0.9 : 0, 10] },
    },
    axes: [
      { stroke: '#333', grid: { stroke: '#0001' } },
      {
        scale: 'pain', stroke: '#333', label: 'Pain 0–10', size: strip ? 62 : 50,
        grid: { stroke: '#0001', filter: (u, splits) => splits.map((v) => (v >= 0 ? v : null)) },
        ticks: { filter: (u, splits) => splits.map((v) => (v >= 0 ? v : null)) },
        splits: () => (strip ? [STRIP, 0, 2, 4, 6, 8, 10] : [0, 2, 4, 6, 8, 10]),
        values: (u, splits) => splits.map((v) => (v < 0 ? 'Sessions' : v)),
      },
    ],
    legend: { show: false },
    cursor: { points: { size: 8 } },
    hooks: { draw: [drawStrip(sessions, uPlot.pxRatio || 1), drawMarks(marks, uPlot.pxRatio || 1)] },
  };
  el.replaceChildren();
  const chart = new uPlot(options, columns, el);
  el.append(legend(marks, sessions));
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
