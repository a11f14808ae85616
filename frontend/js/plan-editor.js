// Edits a plan's phases: per phase add an exercise from the library, remove one,
// move it up or down, and set its dose, side and note. Every control is named by
// its path in the request (phases.0.exercises.1.sets) so a 422 lands beside it.
import { SIDE, loadExercises, thumbTile } from './catalogue.js';
import { isCurrent } from './plan-view.js';
import { field, h, nextId } from './ui.js';

const DOSE = [
  ['sets', 'Sets', 1, 10],
  ['reps', 'Reps', 1, 50],
  ['hold_seconds', 'Hold (s)', 1, 600],
  ['rest_seconds', 'Rest (s)', 0, 600],
];
const KEEP = ['exercise', 'sets', 'reps', 'hold_seconds', 'rest_seconds', 'side', 'note'];

let keys = 0;
const keyed = (item) => ({ ...item, key: ++keys });

/** Copies phases from an API answer (a prescription or a program) into an editable model. */
export function toModel(phases = []) {
  return phases.map((phase) => keyed({
    name: phase.name,
    weeks: [...(phase.weeks || [1, 1])],
    focus: phase.focus,
    exercises: (phase.exercises || []).map((ex) => keyed({
      ...ex,
      exercise: ex.exercise || ex.slug,
      name: ex.name,
      sets: ex.sets ?? ex.dosage?.sets,
      reps: ex.reps ?? ex.dosage?.reps,
      hold_seconds: ex.hold_seconds ?? ex.dosage?.hold_seconds,
      rest_seconds: ex.rest_seconds ?? ex.dosage?.rest_seconds,
      side: ex.side ?? ex.dosage?.side ?? '',
    })),
  }));
}

/** The model as the API wants it: empty fields left out. */
export function toBody(model, { withExtras = true } = {}) {
  const clean = (ex) => Object.fromEntries(KEEP
    .filter((k) => withExtras || !['rest_seconds', 'side', 'note'].includes(k))
    .filter((k) => ex[k] !== undefined && ex[k] !== null && ex[k] !== '')
    .map((k) => [k, ex[k]]));
  return model.map((p) => ({
    name: p.name,
    weeks: p.weeks,
    ...(p.focus ? { focus: p.focus } : {}),
    exercises: p.exercises.map(clean),
  }));
}

/**
 * The editor. `pick(title, slugsInThePhase)` resolves with an exercise to add (or null);
 * `extras` shows rest, side and note (a prescription has them, a program file
 * may leave them out); `phasesEditable` allows adding and removing phases and
 * `prefix` names the list in the request (`phases` for a plan, `sessions` for a program);
 * `week`, the plan's week today, marks the phase the patient is in.
 */
export function planEditor(model, { pick, extras = true, phasesEditable = false, prefix = 'phases', week = null, onChange = () => {} }) {
  const root = h('div', { class: 'plan-editor' });
  const announce = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  // A row knows its slug and name; its picture comes from the library list (the
  // picker's, fetched once), put in place when the list arrives without a redraw.
  const library = new Map();
  const thumb = (ex) => {
    const tile = thumbTile(library.get(ex.exercise) || ex);
    tile.dataset.slug = ex.exercise;
    return tile;
  };
  loadExercises().then((list) => {
    for (const found of list) library.set(found.slug, found);
    for (const tile of root.querySelectorAll('.thumb-tile.empty')) {
      if (library.has(tile.dataset.slug)) tile.replaceWith(thumb({ exercise: tile.dataset.slug }));
    }
  }, () => {}); // offline: the rows keep their empty tiles
  const draw = (focusKey) => {
    root.replaceChildren(...[
      hiddenSlot(prefix),
      model.map((phase, i) => phaseBox(phase, i)),
      phasesEditable ? h('button', { type: 'button', class: 'secondary', onclick: addPhase }, 'Add phase') : null,
      announce].flat(2).filter(Boolean));
    if (focusKey) root.querySelector(`[data-key="${focusKey}"]`)?.focus();
  };
  const changed = (focusKey, message) => {
    onChange();
    draw(focusKey);
    announce.textContent = message;
  };

  function addPhase() {
    const last = model.at(-1);
    const first = last ? last.weeks[1] + 1 : 1;
    model.push(keyed({ name: `Phase ${model.length + 1}`, weeks: [first, first], exercises: [] }));
    changed(`${model.at(-1).key}-name`, 'Phase added.');
  }

  function phaseBox(phase, i) {
    const path = `${prefix}.${i}`;
    const name = bound(h('input', { name: `${path}.name`, maxlength: '80', 'data-key': `${phase.key}-name` }), phase, 'name');
    const first = weekInput(phase, 0, `${path}.weeks`);
    const last = weekInput(phase, 1, `${path}.weeks`);
    const full = phase.exercises.length >= 10;
    const add = h('button', { type: 'button', class: 'secondary', 'data-key': `${phase.key}-add`, disabled: full }, full ? 'Full: 10 exercises' : 'Add exercise');
    add.addEventListener('click', async () => {
      const ex = await pick(`Add an exercise to ${phase.name || `phase ${i + 1}`}`, new Set(phase.exercises.map((e) => e.exercise)));
      if (!ex) return add.focus();
      library.set(ex.slug, ex);
      const item = keyed({ exercise: ex.slug, name: ex.name, ...ex.dosage, ...(extras ? { side: '' } : {}) });
      phase.exercises.push(item);
      changed(`${item.key}-sets`, `${ex.name} added to ${phase.name}.`);
    });
    const remove = phasesEditable && model.length > 1
      ? h('button', { type: 'button', class: 'danger small', 'aria-label': `Remove phase ${phase.name}` }, 'Remove phase')
      : null;
    remove?.addEventListener('click', () => {
      model.splice(i, 1);
      changed(`${model[Math.max(0, i - 1)].key}-name`, `Phase ${phase.name} removed.`);
    });
    const now = isCurrent(model, i, week);
    return h('fieldset', { class: `phase ${now ? 'now' : ''}` },
      h('legend', {}, `Phase ${i + 1}: ${phase.name || ''}`, now ? h('span', { class: 'tag now' }, 'Now') : null),
      h('div', { class: 'phase-head' }, field('Phase name', name),
        h('div', { class: 'weeks' }, field('From week', first), field('To week', last)), remove),
      hiddenSlot(`${path}.weeks`), hiddenSlot(`${path}.exercises`),
      phasesEditable
        ? field('Focus (optional)', bound(h('input', { name: `${path}.focus`, maxlength: '600' }), phase, 'focus'))
        : (phase.focus ? h('p', { class: 'hint' }, phase.focus) : null),
      h('ol', { class: 'rx-list' }, phase.exercises.map((ex, j) => exerciseRow(phase, ex, j, `${path}.exercises.${j}`))),
      phase.exercises.length ? null : h('p', { class: 'hint' }, 'No exercises yet: a phase needs at least one.'),
      add);
  }

  function weekInput(phase, index, name) {
    const input = h('input', { type: 'number', min: '1', max: '52', inputmode: 'numeric', value: String(phase.weeks[index] ?? ''), 'aria-describedby': `${name}-err` });
    input.addEventListener('input', () => { phase.weeks[index] = input.value === '' ? null : Number(input.value); onChange(); });
    return input;
  }

  function exerciseRow(phase, ex, j, path) {
    const list = phase.exercises;
    const move = (delta, word) => {
      const button = h('button', {
        type: 'button', class: 'icon', 'data-key': `${ex.key}-${word}`,
        'aria-label': `Move ${ex.name} ${word}`, disabled: !list[j + delta],
      }, delta < 0 ? '↑' : '↓');
      button.addEventListener('click', () => {
        list.splice(j, 1);
        list.splice(j + delta, 0, ex);
        const still = list[j + delta + delta] ? `${ex.key}-${word}` : `${ex.key}-${delta < 0 ? 'down' : 'up'}`;
        changed(still, `${ex.name} moved ${word}, now number ${j + delta + 1}.`);
      });
      return button;
    };
    const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Remove ${ex.name}` }, 'Remove');
    remove.addEventListener('click', () => {
      list.splice(j, 1);
      const next = list[j] || list[j - 1];
      changed(next ? `${next.key}-sets` : `${phase.key}-add`, `${ex.name} removed from ${phase.name}.`);
    });
    const slug = h('input', { type: 'hidden', name: `${path}.exercise`, id: nextId('slug') });
    const dose = DOSE.filter(([k]) => extras || k !== 'rest_seconds').map(([k, label, min, max]) => field(label,
      bound(h('input', { type: 'number', name: `${path}.${k}`, min: String(min), max: String(max), inputmode: 'numeric', 'data-key': `${ex.key}-${k.split('_')[0]}` }), ex, k, true)));
    const side = extras ? field('Side', bound(h('select', { name: `${path}.side` },
      h('option', { value: '' }, 'Not sided'), Object.entries(SIDE).map(([v, l]) => h('option', { value: v }, l))), ex, 'side')) : null;
    const note = extras ? field('Note for the patient', bound(h('input', { name: `${path}.note`, maxlength: '600' }), ex, 'note')) : null;
    note?.classList.add('rx-note-field');
    return h('li', { class: 'rx' },
      h('div', { class: 'rx-head' },
        h('span', { class: 'rx-num', 'aria-hidden': 'true' }, String(j + 1)),
        thumb(ex),
        h('strong', { class: 'rx-name' }, ex.name || ex.exercise),
        h('span', { class: 'rx-tools' }, move(-1, 'up'), move(1, 'down'), remove)),
      slug, h('p', { class: 'field-error', id: `${slug.id}-err`, hidden: true }),
      h('div', { class: 'rx-dose' }, dose, side, note));
  }

  function bound(control, target, key, number = false) {
    control.value = target[key] == null ? '' : String(target[key]);
    control.addEventListener('input', () => {
      target[key] = control.value === '' ? undefined : (number ? Number(control.value) : control.value);
      onChange();
    });
    return control;
  }

  draw();
  return root;
}

function hiddenSlot(name) {
  const input = h('input', { type: 'hidden', name, id: nextId('slot') });
  return [input, h('p', { class: 'field-error', id: `${input.id}-err`, hidden: true })];
}
