// An exercise figure drawn as SVG from its scene: the `drawing` the API gives with
// each exercise (backend/kinetic/services/figure_scene.py places the body, its
// contacts and props; this file only draws). Pure drawing, no timers: the player owns
// the clock and calls pose(t), 0 = start, 1 = held.

const NS = 'http://www.w3.org/2000/svg';
const COLORS = {
  near: '#0f4f4c', far: '#86b5ae', pelvis: '#2a7a73', light: '#e9f3f1', white: '#fff',
  mid: '#5fa39b', blade: '#bfe3dd', prop: '#d5dadf', prop_line: '#6b7480',
};
const GHOST = '#9aa6b2';
const ARROW = '#c2410c';

const drawingOf = (x) => x?.drawing ?? (x?.shapes ? x : null);
const numbers = (text) => text.split(',').map(Number);
const point = (xs, i) => [xs[2 * i], xs[2 * i + 1]];
const fmt = (v) => (Math.round(v * 100) / 100).toString();

function el(tag, attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** The points between two frames of the path, t from 0 to 1 along it. */
function along(frames, t) {
  const steps = frames.length - 1;
  const x = Math.min(Math.max(t, 0), 1) * steps;
  const i = Math.min(Math.floor(x), steps - 1);
  const [a, b, f] = [frames[i], frames[i + 1], x - i];
  return a.map((v, k) => v + (b[k] - v) * f);
}

function shapeElement(s, ghost) {
  const tag = { line: 'polyline', poly: 'polygon' }[s.kind] || s.kind;
  const color = ghost ? GHOST : COLORS[s.fill] || s.fill;
  const node = el(tag);
  if (s.pts) {
    node.setAttribute('fill', s.kind === 'poly' ? color : 'none');
    node.setAttribute('stroke', color);
    node.setAttribute('stroke-width', s.w);
    node.setAttribute('stroke-linecap', 'round');
    node.setAttribute('stroke-linejoin', 'round');
  } else node.setAttribute('fill', color);
  if (s.part && !ghost) node.setAttribute('data-part', s.part);
  return node;
}

function moveShape(node, s, xs) {
  if (s.pts) {
    node.setAttribute('points', s.pts.map((i) => point(xs, i).map(fmt).join(',')).join(' '));
  } else if (s.kind === 'circle') {
    const [x, y] = point(xs, s.c);
    node.setAttribute('cx', fmt(x)); node.setAttribute('cy', fmt(y)); node.setAttribute('r', s.r);
  } else {
    const [cx, cy] = point(xs, s.c);
    const [ax, ay] = point(xs, s.a);
    const angle = (Math.atan2(ay - cy, ax - cx) * 180) / Math.PI;
    node.setAttribute('cx', fmt(cx)); node.setAttribute('cy', fmt(cy));
    node.setAttribute('rx', fmt(Math.hypot(ax - cx, ay - cy))); node.setAttribute('ry', s.r);
    node.setAttribute('transform', `rotate(${fmt(angle)} ${fmt(cx)} ${fmt(cy)})`);
  }
}

/** The body as a group whose shapes move to any frame's points. */
function bodyLayer(parent, d, xs, { ghost = false } = {}) {
  const g = el('g', ghost ? { class: 'ghost', opacity: '0.45' } : { class: 'body' });
  const nodes = d.shapes.map((s) => g.appendChild(shapeElement(s, ghost)));
  const draw = (points) => d.shapes.forEach((s, i) => moveShape(nodes[i], s, points));
  draw(xs);
  parent.append(g);
  return draw;
}

function propElement(p) {
  const color = COLORS[p.fill] || p.fill;
  if (p.kind === 'rect') {
    return el('rect', { x: fmt(p.x), y: fmt(p.y), width: fmt(p.w), height: fmt(p.h), rx: p.r ?? 0, fill: color });
  }
  if (p.kind === 'line') {
    return el('polyline', {
      points: p.pts.map((q) => q.map(fmt).join(',')).join(' '), fill: 'none', stroke: color,
      'stroke-width': p.w, 'stroke-linecap': 'round',
    });
  }
  return el('ellipse', {
    cx: fmt(p.c[0]), cy: fmt(p.c[1]), rx: fmt(p.rx), ry: fmt(p.ry), fill: color,
    transform: `rotate(${fmt(p.angle || 0)} ${fmt(p.c[0])} ${fmt(p.c[1])})`,
  });
}

function sceneLayer(parent, d, view) {
  const g = el('g', { class: 'props' });
  const [x0, y0, x1, y1] = d.box;
  if (d.mat) g.append(el('rect', { x: fmt(x0 + 1), y: fmt(y0 + 1), width: fmt(x1 - x0 - 2), height: fmt(y1 - y0 - 2), rx: 6, fill: '#eef1f3' }));
  else if (d.floor) {
    const [vx0, , vx1] = view;
    g.append(el('rect', { x: fmt(vx0 - 50), y: -3, width: fmt(vx1 - vx0 + 100), height: 3, fill: '#e4e7ea' }));
    g.append(el('line', { x1: fmt(vx0 - 50), y1: 0, x2: fmt(vx1 + 50), y2: 0, stroke: COLORS.prop_line, 'stroke-width': 1.5 }));
  }
  d.props.forEach((p) => g.append(propElement(p)));
  parent.append(g);
}

/** An arrow for the direction of the movement, at least `least` long. */
function arrowLayer(parent, d, least) {
  const g = el('g', { class: 'arrows', 'data-part': 'arrow', opacity: '0.9' });
  for (const [ax, ay, bx, by] of d.arrows) {
    const length = Math.hypot(bx - ax, by - ay) || 1;
    const scale = Math.max(1, least / length);
    const [dx, dy] = [(bx - ax) * scale, (by - ay) * scale];
    const [mx, my] = [(ax + bx) / 2, (ay + by) / 2];
    const [sx, sy, ex, ey] = [mx - dx / 2, my - dy / 2, mx + dx / 2, my + dy / 2];
    const head = Math.min(least * 0.45, 6);
    const angle = Math.atan2(ey - sy, ex - sx);
    const wing = (a) => [ex - head * Math.cos(angle + a), ey - head * Math.sin(angle + a)];
    const width = Math.max(least / 9, 1.2);
    g.append(el('polyline', {
      points: [[sx, sy], [ex, ey]].map((q) => q.map(fmt).join(',')).join(' '),
      fill: 'none', stroke: ARROW, 'stroke-width': fmt(width), 'stroke-linecap': 'round',
    }));
    g.append(el('polygon', { points: [[ex, ey], wing(0.5), wing(-0.5)].map((q) => q.map(fmt).join(',')).join(' '), fill: ARROW }));
  }
  parent.append(g);
}

/** An svg showing `view` ([x0, y0, x1, y1], model units, y up). */
function panel(view, { title, hidden = false } = {}) {
  const [x0, y0, x1, y1] = view;
  const svg = el('svg', {
    viewBox: `${fmt(x0)} ${fmt(-y1)} ${fmt(x1 - x0)} ${fmt(y1 - y0)}`,
    class: 'figure', width: '100%', preserveAspectRatio: 'xMidYMid meet',
  });
  if (hidden) svg.setAttribute('aria-hidden', 'true');
  else {
    svg.setAttribute('role', 'img');
    if (title) svg.setAttribute('aria-label', title);
  }
  const world = el('g', { transform: 'scale(1 -1)' });
  svg.append(world);
  return { svg, world };
}

const viewOf = (d, closeup) => (closeup && d.closeup ? d.closeup : d.box);
const leastArrow = (view) => Math.max(view[2] - view[0], view[3] - view[1]) * 0.14;

/** Draws the figure in its start position, a faint ghost of the start under it and
 * an arrow for the movement; pose(t) moves it, 0 = start, 1 = held. */
export function mountFigure(container, exercise, { title, closeup = true } = {}) {
  const d = drawingOf(exercise);
  if (!d) return null;
  const frames = d.path.map(numbers);
  const view = viewOf(d, closeup);
  const { svg, world } = panel(view, { title });
  if (d.closeup && closeup) svg.dataset.closeup = 'yes';
  sceneLayer(world, d, view);
  bodyLayer(world, d, frames[0], { ghost: true });
  const draw = bodyLayer(world, d, frames[0]);
  arrowLayer(world, d, leastArrow(view));
  container.append(svg);
  return { element: svg, pose: (t) => draw(along(frames, t)), destroy: () => svg.remove() };
}

/** The start and held positions side by side (or every keyframe, with all), labelled;
 * the held one with the ghost of the start and the arrow. */
export function mountStills(container, exercise, { title, all = false, closeup = true } = {}) {
  const d = drawingOf(exercise);
  if (!d) return null;
  const keyframes = d.keyframes.map(numbers);
  const shown = all ? keyframes.map((_, i) => i) : [0, d.hold];
  const view = viewOf(d, closeup);
  const labels = shown.map((i) => d.labels[i]);
  const wrap = document.createElement('div');
  wrap.className = 'stills';
  wrap.setAttribute('role', 'img');
  wrap.setAttribute('aria-label', `${title ? `${title}: ` : ''}${labels.join(', then ')}`);
  shown.forEach((index, n) => {
    const figure = document.createElement('figure');
    const { svg, world } = panel(view, { hidden: true });
    sceneLayer(world, d, view);
    if (index === d.hold) bodyLayer(world, d, keyframes[0], { ghost: true });
    bodyLayer(world, d, keyframes[index]);
    if (index === d.hold) arrowLayer(world, d, leastArrow(view));
    const caption = document.createElement('figcaption');
    caption.textContent = `${n + 1}. ${labels[n]}`;
    figure.append(svg, caption);
    wrap.append(figure);
  });
  container.append(wrap);
  return { element: wrap, destroy: () => wrap.remove() };
}

/** The held keyframe alone, small, for lists: null when the exercise has no figure.
 * Hidden from screen readers, as the exercise's name stands beside it. */
export function mountThumb(container, exercise, { title } = {}) {
  const d = drawingOf(exercise);
  if (!d) return null;
  // Framed tightly on the held position (and the floor under it), to fill the tile.
  const held = numbers(d.keyframes[d.hold]);
  const xs = held.filter((_, i) => i % 2 === 0);
  const ys = held.filter((_, i) => i % 2 === 1);
  const pad = 7;
  const view = [Math.min(...xs) - pad, Math.min(0, ...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad];
  const { svg, world } = panel(view, { hidden: true });
  svg.removeAttribute('width');
  svg.setAttribute('class', 'thumb');
  if (title) svg.dataset.name = title;
  sceneLayer(world, d, view);
  bodyLayer(world, d, held);
  container.append(svg);
  return { element: svg, destroy: () => svg.remove() };
}

