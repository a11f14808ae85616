// The exercise library as the therapist browses it: words for categories and
// regions, search and filters, and an exercise's full text. Used by the library
// screen and by the picker that adds an exercise to a plan.
import { api } from './api.js';
import { mountThumb } from './figure.js';
import { dosage, field, h, sourceLine } from './ui.js';

// These screens bring their own styles, so the patient app's first load stays small.
if (!document.querySelector('link[href="/css/prescribing.css"]')) {
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/prescribing.css' }));
}

export const CATEGORY = {
  core_stabilisation: 'Core stabilisation',
  nerve_glide: 'Nerve glide',
  pelvic_tilt: 'Pelvic tilt',
  postural_correction: 'Postural correction',
  positional_relief: 'Positional relief',
  headache_relief: 'Headache relief',
};
export const REGION = { low_back: 'Low back', neck: 'Neck', headache: 'Headache' };
export const SIDE = { both: 'Both sides', left: 'Left side', right: 'Right side', alternate: 'Alternate sides' };

const words = (list = [], names = REGION) => list.map((key) => names[key] || key).join(', ');
export const regionWords = (list) => words(list, REGION);

/** Whose an exercise or program is: "Clinic" (the clinic's shared library),
 * "Mine", or nothing for the built-in library. */
export function ownerBadge(item) {
  if (item.owner === 'clinic') return h('span', { class: 'owner clinic' }, 'Clinic');
  if (item.owner === 'me') return h('span', { class: 'owner mine' }, 'Mine');
  return null;
}

/**
 * Whether the therapist works with colleagues (a clinic of more than one), so the
 * library offers sharing with the clinic; a therapist alone sees no change. If
 * the clinic cannot be read, sharing is offered (the server decides).
 */
export async function sharesWithClinic() {
  try {
    const clinic = await api('/clinic');
    return !(clinic && clinic.member_count === 1);
  } catch {
    return true;
  }
}

/** A tile with the exercise's held position, or an empty tile when it has no figure. */
export function thumbTile(exercise) {
  const tile = h('span', { class: 'thumb-tile', 'aria-hidden': 'true' });
  if (!mountThumb(tile, exercise, { title: exercise.name })) tile.classList.add('empty');
  return tile;
}

let exercisesPromise = null;
/** Every exercise the therapist may use, fetched once per screen visit. */
export function loadExercises(fresh = false) {
  if (fresh || !exercisesPromise) {
    exercisesPromise = api('/exercises');
    exercisesPromise.catch(() => { exercisesPromise = null; });
  }
  return exercisesPromise;
}

const options = (names, all) => [h('option', { value: '' }, all),
  ...Object.entries(names).map(([value, label]) => h('option', { value }, label))];

/**
 * Search by name plus region and category filters; calls `onChange` with a test
 * function whenever one of them changes.
 */
export function filterBar(onChange, { categories = true } = {}) {
  const search = h('input', { type: 'search', name: 'q', autocomplete: 'off', placeholder: 'e.g. chin tuck' });
  const region = h('select', { name: 'region' }, options(REGION, 'All regions'));
  const category = h('select', { name: 'category' }, options(CATEGORY, 'All categories'));
  const test = (item) => {
    const q = search.value.trim().toLowerCase();
    const name = (item.name || item.title || '').toLowerCase();
    return (!q || name.includes(q) || (item.slug || '').includes(q))
      && (!region.value || (item.regions || []).includes(region.value))
      && (!category.value || !item.category || item.category === category.value);
  };
  for (const control of [search, region, category]) control.addEventListener('input', () => onChange(test));
  const bar = h('div', { class: 'filters', role: 'search' },
    field('Search by name', search), field('Region', region),
    categories ? field('Category', category) : null);
  return { bar, test, focus: () => search.focus() };
}

/** An exercise's full text: summary, steps, tips, cautions, default dose, sources. */
export function exerciseText(ex) {
  return h('div', { class: 'ex-text' },
    h('p', { class: 'sub' }, `${CATEGORY[ex.category] || ex.category} · ${regionWords(ex.regions)}`),
    ex.summary ? h('p', {}, ex.summary) : null,
    h('h4', {}, 'Steps'), h('ol', {}, (ex.instructions || []).map((t) => h('li', {}, t))),
    ex.cues?.length ? [h('h4', {}, 'Tips'), h('ul', {}, ex.cues.map((t) => h('li', {}, t)))] : null,
    ex.cautions?.length ? [h('h4', {}, 'Cautions'), h('ul', {}, ex.cautions.map((t) => h('li', {}, t)))] : null,
    h('p', {}, h('strong', {}, 'Default dose: '), dosage(ex.dosage) || '–'),
    ex.sources?.length ? h('p', { class: 'hint' }, sourceLine(ex.sources)) : null);
}

/** A `<details>` that shows the exercise's full text when opened. */
export function fullText(ex, label = 'Full text') {
  return h('details', { class: 'how' }, h('summary', {}, label), exerciseText(ex));
}
