// An exercise figure drawn as SVG from joint angles (forward kinematics). Pure
// drawing, no timers: the player owns the clock and calls pose(t). The figure format
// is documented in programs/README.md; angles are degrees, anatomical.

const NS = 'http://www.w3.org/2000/svg';
const NEAR = '#0f4f4c';
const FAR = '#86b5ae';
const PROP = '#d5dadf';
const PROP_LINE = '#6b7480';
const SKIN = '#0f4f4c';

// Each base position: its default angles, and how the upright model is turned.
const BASES = {
  standing: { turn: 0, joints: { ankle: 0 } },
  sitting: { turn: 0, joints: { hip: 90, knee: 90, ankle: 0 } },
  half_kneeling: {
    turn: 0, joints: { near_hip: 85, near_knee: 85, far_hip: -5, far_knee: 95, far_ankle: -40 },
  },
  supine: { turn: 90, joints: { ankle: -25 } },
  crook_lying: { turn: 90, joints: { hip: 45, knee: 105, ankle: -30 } },
  prone: { turn: -90, joints: { ankle: -50 } },
  four_point_kneeling: { turn: -90, joints: { hip: 90, knee: 90, ankle: -50, shoulder: 90 } },
  // Seen from above, the back towards the top; `stack` lifts the top leg off the bottom one.
  side_lying: {
    turn: 90, flip: true, stack: 3, joints: { hip: 50, knee: 90, ankle: -20, shoulder: 90, elbow: 100 },
  },
};

const LIMB_JOINTS = ['shoulder', 'elbow', 'hip', 'knee', 'ankle', 'shoulder_out', 'hip_out'];
const SIDES = { side: ['near', 'far'], front: ['left', 'right'], top: ['left', 'right'] };

const rad = (d) => (d * Math.PI) / 180;
const dir = (a, len = 1) => [Math.cos(rad(a)) * len, Math.sin(rad(a)) * len];
const add = (p, q) => [p[0] + q[0], p[1] + q[1]];
const at = (p, a, len) => add(p, dir(a, len));
const rotate = (p, a) => {
  const [c, s] = [Math.cos(rad(a)), Math.sin(rad(a))];
  return [p[0] * c - p[1] * s, p[0] * s + p[1] * c];
};

/** The angles of one keyframe: the base's, then the figure's, then the keyframe's; a bare
 * limb joint applies to both sides, a prefixed one to that side only. */
function anglesOf(figure, keyframe) {
  const sides = SIDES[figure.view];
  const out = {};
  const apply = (joints) => {
    for (const [name, value] of Object.entries(joints || {})) {
      if (LIMB_JOINTS.includes(name)) sides.forEach((s) => { out[`${s}_${name}`] = value; });
      else out[name] = value;
    }
  };
  out.stack = (BASES[figure.base].stack || 0) * (figure.props.includes('knee_pillow') ? 2.5 : 1);
  apply(BASES[figure.base].joints);
  apply(figure.joints);
  apply(keyframe.joints);
  return out;
}

const get = (j, name) => j[name] ?? 0;

function lerpAngles(a, b, f) {
  const out = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    out[k] = get(a, k) + (get(b, k) - get(a, k)) * f;
  }
  return out;
}

// ---- side view: the model stands facing +x (y up) with the hip at the origin ----

// Segment lengths in model units (a standing figure is about 110 tall).
const L = {
  pelvis: 9, lowBack: 13, upperBack: 17, neck: 6.5, head: 6.8,
  upperArm: 16, forearm: 13.5, hand: 4, thigh: 24, shank: 23, foot: 8,
};

function sideLimbs(j, side, c7, ub, pel) {
  const g = (n) => get(j, `${side}_${n}`);
  const shoulder = add(at(c7, ub + 180, 3.5), dir(ub - 90, 1.8 - 0.2 * get(j, 'shoulder_blades')));
  const ua = ub + 180 + g('shoulder');
  const elbow = at(shoulder, ua, L.upperArm);
  const fa = ua + g('elbow');
  const wrist = at(elbow, fa, L.forearm);
  const thigh = pel + 180 + g('hip');
  const shank = thigh - g('knee');
  const back = (p) => (side === 'near' ? at(p, pel + 90, get(j, 'stack')) : p);
  // Side-lying, the top knee opens towards the ceiling: drawn as the thigh turning
  // up off the bottom one while the feet stay together.
  const turn = side === 'near' ? get(j, 'hip_turn') : 0;
  const bentKnee = at([0, 0], thigh, L.thigh);
  const knee = back(at(bentKnee, pel + 90, 0.6 * L.thigh * Math.sin(rad(turn))));
  const ankle = back(at(bentKnee, shank, L.shank));
  const foot = shank + 90 + g('ankle');
  return {
    arm: [shoulder, elbow, wrist], hand: [wrist, at(wrist, fa, L.hand)],
    leg: [[0, 0], knee, ankle], foot: [at(ankle, foot + 180, 1.5), at(ankle, foot, L.foot)],
  };
}

function sideModel(j) {
  const pel = 90 - get(j, 'pelvis');
  const sacrum = at([0, 0], pel, L.pelvis);
  const lb = pel - get(j, 'low_back');
  const l1 = at(sacrum, lb, L.lowBack);
  // The lower back's curve: hollow (towards the front) when arched, rounded when bent.
  const curve = Math.min(Math.max(2.5 - 0.25 * get(j, 'low_back'), -5), 8);
  const lumbar = add(at(sacrum, lb, L.lowBack / 2), dir(lb - 90, curve));
  const ub = lb - get(j, 'upper_back');
  const c7 = at(l1, ub, L.upperBack);
  const nk = ub - get(j, 'neck');
  const skull = at(c7, nk, L.neck);
  const hd = nk - get(j, 'head');
  const head = add(at(skull, hd, 4.6), dir(hd - 90, 1.2));
  return {
    spine: [[0, 0], sacrum, lumbar, l1, c7], neck: [c7, skull], head, face: hd - 90, up: hd,
    pelvis: { at: at([0, 0], pel, 3.5), angle: pel },
    near: sideLimbs(j, 'near', c7, ub, pel), far: sideLimbs(j, 'far', c7, ub, pel),
  };
}

// ---- front view: facing the viewer, the figure's left on the viewer's right ----

function frontArm(j, side, neckBase, trunk) {
  const s = side === 'left' ? 1 : -1;
  const g = (n) => get(j, `${side}_${n}`);
  const shoulder = at(neckBase, trunk - s * (90 + 14 - get(j, 'shrug') * 1.2), 10.5);
  const ua = trunk + 180 + s * g('shoulder_out');
  const elbow = at(shoulder, ua, L.upperArm);
  const fa = ua + s * g('elbow');
  const wrist = at(elbow, fa, L.forearm);
  return { arm: [shoulder, elbow, wrist], hand: [wrist, at(wrist, fa, L.hand)] };
}

function frontLeg(j, side) {
  const s = side === 'left' ? 1 : -1;
  const g = (n) => get(j, `${side}_${n}`);
  const hip = [s * 6, 0];
  const out = 270 + s * g('hip_out');
  const knee = at(hip, out, Math.max(L.thigh * Math.abs(Math.cos(rad(g('hip')))), 3));
  const ankle = at(knee, out, L.shank * Math.abs(Math.cos(rad(g('hip') - g('knee')))));
  return { leg: [hip, knee, ankle], foot: [ankle, add(ankle, [s * 5, -1])] };
}

function frontModel(j) {
  const trunk = 90 - get(j, 'trunk_tilt');
  const waist = [0, 6];
  const neckBase = at(waist, trunk, 27);
  // A nod seen from the front: a shorter neck and a lower face.
  const nod = get(j, 'neck') + get(j, 'head');
  const nk = trunk - get(j, 'neck_tilt');
  const skull = at(neckBase, nk, 6.5 * Math.cos(rad(get(j, 'neck'))));
  const hd = nk - get(j, 'head_tilt');
  return {
    neck: [neckBase, skull], head: at(skull, hd, 6.2), up: hd, nod,
    left: { ...frontArm(j, 'left', neckBase, trunk), ...frontLeg(j, 'left') },
    right: { ...frontArm(j, 'right', neckBase, trunk), ...frontLeg(j, 'right') },
  };
}

// ---- top view: seen from above, facing down the screen ----

function topModel(j) {
  const turn = get(j, 'trunk_turn');
  const r = (p) => rotate(p, turn);
  return {
    shoulders: [r([-15, 3]), r([15, 3])], arms: [r([-11, -5]), r([11, -5])], head: r([0, 3]),
    face: -90 + turn + get(j, 'head_turn'),
  };
}

// ---- from a model to shapes: polylines, circles and ellipses in model units ----

const W = { trunk: 11, neck: 5.5, upperArm: 6, forearm: 5, hand: 4.5, thigh: 8.5, shank: 7, foot: 4 };

function limbShapes(limb, color, side = '') {
  const line = (pts, w, fill = color, part = '') => ({ kind: 'line', pts, w, fill, part });
  const out = [];
  if (limb.leg) {
    out.push(line(limb.leg.slice(0, 2), W.thigh, color, `thigh ${side}`));
    out.push(line(limb.leg.slice(1), W.shank));
    out.push(line(limb.foot, W.foot));
  }
  if (limb.arm) {
    out.push(line(limb.arm.slice(0, 2), W.upperArm), line(limb.arm.slice(1), W.forearm));
    out.push(line(limb.hand, W.hand));
  }
  return out;
}

function headShapes(center, face, up, eyes, nod = 0) {
  const r = L.head;
  const shapes = [{ kind: 'circle', c: center, r, fill: SKIN, part: 'head' }];
  if (eyes) {
    const eye = (s) => add(center, add(dir(up - 90, s * 2.6), dir(up, 1 - 0.09 * nod)));
    for (const s of [-1, 1]) shapes.push({ kind: 'circle', c: eye(s), r: 1.1, fill: '#fff' });
  } else {
    const eye = add(center, add(dir(face, 3.6), dir(up, 1.2)));
    const nose = [at(center, face - 12, r - 0.8), at(center, face - 22, r + 1.6)];
    shapes.push({ kind: 'circle', c: eye, r: 1.1, fill: '#fff' });
    shapes.push({ kind: 'line', pts: nose, w: 2.6, fill: SKIN });
  }
  return shapes;
}

function sideShapes(m) {
  const [near, far] = [m.near, m.far];
  return [
    ...limbShapes({ leg: far.leg, foot: far.foot }, FAR, 'far'),
    ...limbShapes({ arm: far.arm, hand: far.hand }, FAR),
    { kind: 'line', pts: m.spine.slice(1), w: W.trunk, fill: NEAR, part: 'trunk' },
    { kind: 'ellipse', c: m.pelvis.at, rx: 9, ry: 5.5, angle: m.pelvis.angle, fill: '#2a7a73', part: 'pelvis' },
    { kind: 'circle', c: at(m.pelvis.at, m.pelvis.angle - 55, 6), r: 1.5, fill: '#e9f3f1' },
    { kind: 'line', pts: m.neck, w: W.neck, fill: NEAR },
    ...headShapes(m.head, m.face, m.up, false),
    ...limbShapes({ leg: near.leg, foot: near.foot }, NEAR, 'near'),
    ...limbShapes({ arm: near.arm, hand: near.hand }, NEAR),
  ];
}

function frontShapes(m) {
  const { left, right } = m;
  const torso = [left.arm[0], right.arm[0], [-7, 2], [7, 2], left.arm[0]];
  return [
    ...limbShapes({ leg: left.leg, foot: left.foot }, NEAR),
    ...limbShapes({ leg: right.leg, foot: right.foot }, NEAR),
    { kind: 'ellipse', c: [0, 1], rx: 10, ry: 5.5, angle: 0, fill: '#2a7a73', part: 'pelvis' },
    { kind: 'poly', pts: torso, w: 7, fill: NEAR, part: 'trunk' },
    { kind: 'line', pts: m.neck, w: W.neck, fill: NEAR },
    ...headShapes(m.head, 0, m.up, true, m.nod),
    ...limbShapes({ arm: left.arm, hand: left.hand }, NEAR),
    ...limbShapes({ arm: right.arm, hand: right.hand }, NEAR),
  ];
}

function topShapes(m) {
  return [
    { kind: 'line', pts: [[-5, -1], [-5, -23]], w: W.thigh, fill: FAR },
    { kind: 'line', pts: [[5, -1], [5, -23]], w: W.thigh, fill: FAR },
    { kind: 'ellipse', c: [0, 0], rx: 10, ry: 5.5, angle: 0, fill: '#2a7a73', part: 'pelvis' },
    { kind: 'line', pts: m.shoulders, w: W.trunk, fill: NEAR, part: 'trunk' },
    { kind: 'line', pts: m.arms, w: 6, fill: '#5fa39b' },
    { kind: 'circle', c: m.head, r: 7.4, fill: '#fff' },
    { kind: 'circle', c: m.head, r: 6.2, fill: SKIN, part: 'head' },
    { kind: 'line', pts: [at(m.head, m.face, 5), at(m.head, m.face, 9.5)], w: 3.5, fill: SKIN },
  ];
}

const MODELS = {
  side: (j) => sideShapes(sideModel(j)),
  front: (j) => frontShapes(frontModel(j)),
  top: (j) => topShapes(topModel(j)),
};

// ---- placing: turn the upright model into the base position, then onto the floor ----

const LYING = ['supine', 'crook_lying', 'prone'];

function mapShape(s, f, turn = 0, flip = false) {
  const out = { ...s };
  if (s.pts) out.pts = s.pts.map(f);
  if (s.c) out.c = f(s.c);
  if (s.kind === 'ellipse') out.angle = flip ? -(s.angle + turn) : s.angle + turn;
  return out;
}

function lowest(shapes, figure) {
  const pillow = figure.props.includes('pillow') && LYING.includes(figure.base) ? 5 : 0;
  let y = Infinity;
  for (const s of shapes) {
    if (s.pts) y = Math.min(y, ...s.pts.map((p) => p[1] - s.w / 2));
    else if (s.part === 'head') y = Math.min(y, s.c[1] - s.r - pillow);
    else if (s.kind === 'ellipse') y = Math.min(y, s.c[1] - s.ry);
  }
  const cushion = figure.props.includes('pillow') && figure.base === 'half_kneeling' ? 3 : 0;
  return y - cushion;
}

function placed(figure, angles) {
  const base = BASES[figure.base];
  let shapes = MODELS[figure.view](angles);
  if (figure.view === 'side') {
    const f = (p) => { const q = rotate(p, base.turn); return base.flip ? [q[0], -q[1]] : q; };
    shapes = shapes.map((s) => mapShape(s, f, base.turn, base.flip));
    if (base.flip) return shapes;
  }
  if (figure.view === 'top') return shapes; // seen from above: nothing to stand on
  const lift = -lowest(shapes, figure);
  return shapes.map((s) => mapShape(s, (p) => [p[0], p[1] + lift]));
}

// ---- props, placed from the start position ----

const find = (shapes, part) => shapes.find((s) => s.part === part);
const rect = (x, y, w, h, r = 2, fill = PROP) => ({ kind: 'rect', x, y, w, h, r, fill });
const bar = (a, b, w = 3) => ({ kind: 'line', pts: [a, b], w, fill: PROP_LINE });

function chair(figure, shapes) {
  const pelvis = find(shapes, 'pelvis').c;
  if (figure.view === 'top') return [rect(-15, -17, 30, 26, 3), bar([-15, 10], [15, 10], 4)];
  if (figure.view === 'front') {
    const seat = pelvis[1] - 5.5;
    return [rect(-13, seat, 26, 28, 3), bar([-16, seat - 1.5], [16, seat - 1.5], 3.5),
      bar([-14, seat - 2], [-14, 0], 2.5), bar([14, seat - 2], [14, 0], 2.5)];
  }
  const hip = find(shapes, 'thigh near').pts[0];
  const seat = hip[1] - 5.5;
  const back = hip[0] - 8;
  return [bar([back, seat + 30], [back, 0], 3), bar([back, seat - 1.5], [hip[0] + 13, seat - 1.5], 3.5),
    bar([hip[0] + 12, seat - 2], [hip[0] + 12, 0], 2.5)];
}

function pillows(figure, shapes) {
  const out = [];
  const head = find(shapes, 'head');
  const knees = ['near', 'far'].map((s) => find(shapes, `thigh ${s}`)?.pts[1]).filter(Boolean);
  const has = (p) => figure.props.includes(p);
  if (has('pillow') && LYING.includes(figure.base)) out.push(rect(head.c[0] - 9, 0, 18, 5, 2.5));
  const oval = (c, rx, ry) => ({ kind: 'ellipse', c, rx, ry, angle: 0, fill: PROP });
  if (has('pillow') && figure.base === 'side_lying') out.push(oval(head.c, 11, 8));
  if (has('pillow') && figure.base === 'half_kneeling') {
    const knee = knees.reduce((a, b) => (a[1] < b[1] ? a : b));
    out.push(rect(knee[0] - 7, 0, 14, 3, 1.5));
  }
  if (has('knee_pillow') && figure.base === 'side_lying') {
    const [a, b] = knees;
    out.push(oval([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], 6, 4));
  }
  if (has('knee_pillow') && LYING.includes(figure.base)) {
    const knee = knees[0];
    out.push(rect(knee[0] - 12, 0, 20, knee[1] - W.thigh / 2, 4));
  }
  return out;
}

function staticProps(figure, shapes) {
  const out = [];
  if (figure.props.includes('chair')) out.push(...chair(figure, shapes));
  const near = find(shapes, 'thigh near');
  if (figure.props.includes('wall') && near) {
    const hip = near.pts[0];
    out.push(rect(hip[0] - 12, 0, 4, 105, 0));
  }
  return [...out, ...pillows(figure, shapes)];
}

function floor(figure, box) {
  const [width, height] = [box.x1 - box.x0, box.y1 - box.y0];
  if (BASES[figure.base].flip) return [rect(box.x0 + 1, box.y0 + 1, width - 2, height - 2, 6, '#eef1f3')];
  if (figure.view === 'top') return [];
  return [rect(box.x0, -3, width, 3, 0, '#e4e7ea'), bar([box.x0, 0], [box.x1, 0], 1.5)];
}

function bounds(shapeLists) {
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const grow = (x, y, r) => {
    box.x0 = Math.min(box.x0, x - r); box.x1 = Math.max(box.x1, x + r);
    box.y0 = Math.min(box.y0, y - r); box.y1 = Math.max(box.y1, y + r);
  };
  for (const s of shapeLists.flat()) {
    if (s.pts) s.pts.forEach((p) => grow(p[0], p[1], s.w / 2));
    else if (s.c) grow(s.c[0], s.c[1], s.r ?? Math.max(s.rx, s.ry));
    else { grow(s.x, s.y, 0); grow(s.x + s.w, s.y + s.h, 0); }
  }
  const pad = 5;
  return { x0: box.x0 - pad, y0: Math.min(box.y0, 0) - pad, x1: box.x1 + pad, y1: box.y1 + pad };
}

// ---- SVG: one element per shape, created once and then only moved ----

const pts = (list) => list.map((p) => `${p[0].toFixed(2)},${p[1].toFixed(2)}`).join(' ');

function element(s) {
  const tag = { line: 'polyline', poly: 'polygon' }[s.kind] || s.kind;
  const el = document.createElementNS(NS, tag);
  if (s.pts) {
    el.setAttribute('fill', s.kind === 'poly' ? s.fill : 'none');
    el.setAttribute('stroke', s.fill);
    el.setAttribute('stroke-width', s.w);
    el.setAttribute('stroke-linecap', 'round');
    el.setAttribute('stroke-linejoin', 'round');
  } else el.setAttribute('fill', s.fill);
  if (s.part) el.setAttribute('data-part', s.part);
  return el;
}

function update(el, s) {
  if (s.pts) el.setAttribute('points', pts(s.pts));
  else if (s.kind === 'circle') {
    el.setAttribute('cx', s.c[0].toFixed(2)); el.setAttribute('cy', s.c[1].toFixed(2)); el.setAttribute('r', s.r);
  } else if (s.kind === 'ellipse') {
    el.setAttribute('cx', s.c[0].toFixed(2)); el.setAttribute('cy', s.c[1].toFixed(2));
    el.setAttribute('rx', s.rx); el.setAttribute('ry', s.ry);
    el.setAttribute('transform', `rotate(${s.angle.toFixed(2)} ${s.c[0].toFixed(2)} ${s.c[1].toFixed(2)})`);
  } else {
    for (const k of ['x', 'y']) el.setAttribute(k, s[k].toFixed(2));
    el.setAttribute('width', s.w.toFixed(2)); el.setAttribute('height', s.h.toFixed(2));
    el.setAttribute('rx', s.r);
  }
}

function layer(parent, shapes) {
  const g = document.createElementNS(NS, 'g');
  const els = shapes.map((s) => g.appendChild(element(s)));
  const draw = (list) => list.forEach((s, i) => update(els[i], s));
  draw(shapes);
  parent.append(g);
  return draw;
}

function svgRoot(width, height, title) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width.toFixed(1)} ${height.toFixed(1)}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('class', 'figure');
  if (title) svg.setAttribute('aria-label', title);
  svg.setAttribute('width', '100%');
  return svg;
}

/** The figure's poses, its props and the box that holds every pose. */
function prepare(figure) {
  const frames = figure.keyframes.map((k) => anglesOf(figure, k));
  const place = (j) => placed(figure, j);
  const path = frames.slice(0, figure.hold + 1);
  const samples = [];
  for (let i = 0; i + 1 < frames.length; i++) {
    for (const f of [0, 0.25, 0.5, 0.75, 1]) samples.push(place(lerpAngles(frames[i], frames[i + 1], f)));
  }
  const props = staticProps(figure, place(frames[0]));
  const box = bounds([...samples, props]);
  return { frames, path, place, props: [...floor(figure, box), ...props], box };
}

function along(path, t) {
  const steps = path.length - 1;
  const x = Math.min(Math.max(t, 0), 1) * steps;
  const i = Math.min(Math.floor(x), steps - 1);
  return lerpAngles(path[i], path[i + 1], x - i);
}

function frameGroup(svg, box, dx = 0) {
  const g = document.createElementNS(NS, 'g');
  g.setAttribute('transform', `translate(${(dx - box.x0).toFixed(2)} ${box.y1.toFixed(2)}) scale(1 -1)`);
  svg.append(g);
  return g;
}

/** Draws the figure in its start position; pose(t) moves it, 0 = start, 1 = held. */
export function mountFigure(container, figure, { title } = {}) {
  if (!figure) return null;
  const { path, place, props, box } = prepare(figure);
  const svg = svgRoot(box.x1 - box.x0, box.y1 - box.y0, title);
  const g = frameGroup(svg, box);
  layer(g, props);
  const draw = layer(g, place(path[0]));
  container.append(svg);
  return {
    element: svg,
    pose: (t) => draw(place(along(path, t))),
    destroy: () => svg.remove(),
  };
}

/** The start and held positions side by side (or every keyframe, with all), labelled. */
export function mountStills(container, figure, { title, all = false } = {}) {
  if (!figure) return null;
  const { frames, place, props, box } = prepare(figure);
  const shown = all ? frames.map((_, i) => i) : [0, figure.hold];
  const longest = Math.max(...shown.map((i) => figure.keyframes[i].label.length));
  const [h, gap, text] = [box.y1 - box.y0, 8, 11];
  const w = Math.max(box.x1 - box.x0, longest * 5);
  const labels = shown.map((i) => figure.keyframes[i].label).join(', then ');
  const name = title ? `${title}: ${labels}` : labels;
  const svg = svgRoot(shown.length * w + (shown.length - 1) * gap, h + text + 4, name);
  shown.forEach((index, n) => {
    const g = frameGroup(svg, box, n * (w + gap) + (w - (box.x1 - box.x0)) / 2);
    layer(g, props);
    layer(g, place(frames[index]));
    const label = document.createElementNS(NS, 'text');
    label.setAttribute('x', (n * (w + gap) + w / 2).toFixed(1));
    label.setAttribute('y', (h + text).toFixed(1));
    label.setAttribute('text-anchor', 'middle');
    label.setAttribute('font-size', '8');
    label.setAttribute('fill', '#1d2630');
    label.textContent = figure.keyframes[index].label;
    svg.append(label);
  });
  container.append(svg);
  return { element: svg, destroy: () => svg.remove() };
}

/** The held keyframe alone, small, for lists: null when the exercise has no figure.
 * Hidden from screen readers, as the exercise's name stands beside it. */
export function mountThumb(container, exercise, { title } = {}) {
  const figure = exercise?.figure;
  if (!figure?.keyframes?.[figure.hold]) return null;
  const place = (k) => placed(figure, anglesOf(figure, k));
  const shapes = place(figure.keyframes[figure.hold]);
  const props = staticProps(figure, place(figure.keyframes[0]));
  const box = bounds([shapes, props]);
  const svg = svgRoot(box.x1 - box.x0, box.y1 - box.y0);
  for (const name of ['role', 'width']) svg.removeAttribute(name);
  svg.setAttribute('class', 'thumb');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  if (title) svg.dataset.name = title;
  const g = frameGroup(svg, box);
  layer(g, [...floor(figure, box), ...props]);
  layer(g, shapes);
  container.append(svg);
  return { element: svg, destroy: () => svg.remove() };
}
