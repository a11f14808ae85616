// The forms for a therapist's own (or the clinic's) exercise and program: the same
// fields and limits as the data files in programs/ (the server checks both with
// one schema). A new item may be the therapist's alone or the clinic's.
import { api } from './api.js';
import { CATEGORY, REGION, loadExercises } from './catalogue.js';
import { pickExercise } from './picker.js';
import { planEditor, toBody, toModel } from './plan-editor.js';
import { clearErrors, field, h, nextId, showError, statusLine } from './ui.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const lines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);
const number = (input) => (input.value === '' ? undefined : Number(input.value));

/** Checkboxes with one error slot for the whole list (named `name`). */
function ticks(legend, name, choices, chosen = [], compact = false) {
  const boxes = Object.entries(choices).map(([value, label]) => {
    const box = h('input', { type: 'checkbox', class: 'tick', id: nextId(name), value, checked: chosen.includes(value) });
    return h('div', { class: 'tick-row' }, box, h('label', { for: box.id }, label));
  });
  const holder = h('input', { type: 'hidden', name, id: nextId(`${name}-holder`) });
  const box = h('fieldset', { class: 'ticks' }, h('legend', {}, legend), h('div', { class: `tick-grid ${compact ? 'compact' : ''}` }, boxes),
    holder, h('p', { class: 'field-error', id: `${holder.id}-err`, hidden: true }));
  const values = () => [...box.querySelectorAll('input[type="checkbox"]:checked')].map((b) => b.value);
  return { box, values };
}

/** "Only me" or "The clinic": whose a new item is (sent as `owner`). */
function ownerChoice(kind) {
  const choices = { me: 'Only me', clinic: 'The clinic' };
  const radios = Object.entries(choices).map(([value, label]) => {
    const radio = h('input', { type: 'radio', class: 'tick', name: 'owner-choice', id: nextId('owner'), value, checked: value === 'me' });
    return h('div', { class: 'tick-row' }, radio, h('label', { for: radio.id }, label));
  });
  const holder = h('input', { type: 'hidden', name: 'owner', id: nextId('owner-holder') });
  const box = h('fieldset', { class: 'ticks' }, h('legend', {}, 'Who can use it'),
    h('p', { class: 'hint' }, `Everyone in the clinic can see and use the clinic's ${kind}; you and the clinic's admins can change them.`),
    h('div', { class: 'tick-grid compact' }, radios), holder, h('p', { class: 'field-error', id: `${holder.id}-err`, hidden: true }));
  const value = () => box.querySelector('input[type="radio"]:checked')?.value || 'me';
  return { box, value };
}

const text = (name, value = '', attrs = {}) => h('input', { name, value: value ?? '', ...attrs });
const area = (name, value = '', rows = 4, max = 600) => {
  const el = h('textarea', { name, rows: String(rows), maxlength: String(max) });
  el.value = Array.isArray(value) ? value.join('\n') : value || '';
  return el;
};
const num = (name, value, min, max) => h('input', { type: 'number', name, min: String(min), max: String(max), inputmode: 'numeric', value: value == null ? '' : String(value) });

/** The article choices, as the library's own items cite them. */
async function sourceChoices() {
  const found = {};
  try {
    for (const ex of await loadExercises()) for (const s of ex.sources || []) found[s.file] = s.title;
  } catch { /* offline: no choices, the field is optional */ }
  return found;
}

/** "Desk posture reset" → "desk-posture-reset": the short name files and links use. */
export function slugOf(name) {
  return name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 72).replace(/-+$/, '');
}

/**
 * The short name (slug), made from `nameInput` as it is typed and shown only in
 * the form's "Advanced" part. Once the therapist edits it, it stays theirs; an
 * item's existing slug cannot change.
 */
function slugField(item, nameInput) {
  const slug = text('slug', item?.slug, { maxlength: '80', autocapitalize: 'none', spellcheck: false, readonly: !!item });
  let own = !!item;
  const follow = () => { if (!own) slug.value = slugOf(nameInput.value); };
  nameInput.addEventListener('input', follow);
  slug.addEventListener('input', () => { own = slug.value.trim() !== ''; });
  follow();
  const wrap = h('details', { class: 'advanced' }, h('summary', {}, 'Advanced'),
    field('Short name (slug)', slug, item
      ? 'Used in file names and links. It cannot change.'
      : 'Used in file names and links; made from the name. Lowercase letters, digits and hyphens.'));
  return { slug, wrap, auto: () => !own };
}

/**
 * Sends the form: POST a new item, PUT an edited one; 422s land beside their
 * fields. A short name made from the name that is taken gets "-2", "-3", ….
 */
function submitter(form, status, button, kind, item, body, done, short) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    const path = item ? `/${kind}/${item.slug}` : `/${kind}`;
    const sent = body();
    for (let n = 2; ; n += 1) {
      try {
        done(await api(path, { method: item ? 'PUT' : 'POST', body: sent }));
        break;
      } catch (error) {
        const onlySlug = error.status === 422 && Object.keys(error.errors || {}).join() === 'slug';
        if (!item && short.auto() && onlySlug && n < 10 && sent.slug) {
          sent.slug = `${short.slug.value.trim()}-${n}`;
          continue;
        }
        // A short name made from an empty name is wrong only because the name is.
        if (short.auto() && !sent.slug) delete error.errors?.slug;
        if (error.errors?.slug) short.wrap.open = true;
        showError(form, status, error);
        break;
      }
    }
    button.disabled = false;
  });
}

export async function exerciseForm(item, done, copy = null, shared = false) {
  const was = item || copy;
  const name = text('name', was?.name, { maxlength: '120' });
  const short = slugField(item, name);
  const { slug, wrap } = short;
  const category = h('select', { name: 'category' }, h('option', { value: '' }, 'Choose a category'),
    Object.entries(CATEGORY).map(([v, l]) => h('option', { value: v, selected: was?.category === v }, l)));
  const regions = ticks('Regions', 'regions', REGION, was?.regions, true);
  const sources = ticks('Sources (optional)', 'source', await sourceChoices(), was?.source);
  const summary = area('summary', was?.summary, 2);
  const steps = area('instructions', was?.instructions, 6, 8000);
  const cues = area('cues', was?.cues, 3, 5000);
  const cautions = area('cautions', was?.cautions, 3, 5000);
  const d = was?.dosage || {};
  const dose = { sets: num('dosage.sets', d.sets ?? 1, 1, 10), reps: num('dosage.reps', d.reps, 1, 50), hold_seconds: num('dosage.hold_seconds', d.hold_seconds, 1, 600), rest_seconds: num('dosage.rest_seconds', d.rest_seconds, 0, 600) };
  const status = statusLine();
  const button = h('button', { type: 'submit' }, item ? 'Save changes' : 'Create exercise');
  const owner = shared ? ownerChoice('exercises') : null;
  const form = h('form', { class: 'card lib-form', novalidate: true },
    field('Name', name), field('Category', category), regions.box,
    field('Summary', summary, 'One sentence, up to 600 characters.'),
    field('Steps', steps, 'One step per line, in order: 2 to 12 steps.'),
    field('Tips', cues, 'One short cue per line: 1 to 8.'),
    field('Cautions', cautions, 'When to stop and who should check first, one per line: 1 to 8.'),
    h('fieldset', {}, h('legend', {}, 'Default dose'), h('p', { class: 'hint' }, 'Sets, and reps or a hold (or both).'),
      h('div', { class: 'rx-dose' }, field('Sets', dose.sets), field('Reps', dose.reps), field('Hold (s)', dose.hold_seconds), field('Rest (s)', dose.rest_seconds))),
    sources.box, owner?.box, wrap, status, button);
  submitter(form, status, button, 'exercises', item, () => ({
    ...(owner ? { owner: owner.value() } : {}),
    slug: slug.value.trim(), name: name.value.trim(), category: category.value, regions: regions.values(),
    summary: summary.value.trim(), instructions: lines(steps.value), cues: lines(cues.value), cautions: lines(cautions.value),
    dosage: Object.fromEntries(Object.entries(dose).map(([k, input]) => [k, number(input)]).filter(([, v]) => v !== undefined)),
    source: sources.values(),
  }), done, short);
  return form;
}

export async function programForm(item, done, copy = null, shared = false) {
  const was = item || copy;
  const title = text('title', was?.title, { maxlength: '120' });
  const short = slugField(item, title);
  const { slug, wrap } = short;
  const summary = area('summary', was?.summary, 3, 1200);
  const regions = ticks('Regions', 'regions', REGION, was?.regions, true);
  const weeks = num('weeks', was?.weeks ?? 4, 1, 52);
  const days = ticks('Default days', 'days_of_week', Object.fromEntries(DAYS.map((d, i) => [String(i), d])), (was?.days_of_week ?? [0, 2, 4]).map(String), true);
  const perDay = num('sessions_per_day', was?.sessions_per_day ?? 1, 1, 3);
  const advice = area('advice', was?.advice, 3, 5000);
  const sources = ticks('Sources (optional)', 'source', await sourceChoices(), was?.source);
  const model = was ? toModel(was.sessions) : toModel([{ name: 'Phase 1', weeks: [1, 4], exercises: [] }]);
  const status = statusLine();
  const button = h('button', { type: 'submit' }, item ? 'Save changes' : 'Create program');
  const owner = shared ? ownerChoice('programs') : null;
  const form = h('form', { class: 'card lib-form', novalidate: true },
    field('Title', title), field('Summary', summary, 'Up to 1200 characters.'), regions.box,
    h('div', { class: 'pair' }, field('Weeks', weeks, '1 to 52; the phases must cover them all.'), field('Sessions per day', perDay)),
    days.box, field('Advice (optional)', advice, 'Short general advice, one point per line.'), sources.box,
    h('h2', {}, 'Phases'),
    planEditor(model, { pick: pickExercise, phasesEditable: true, prefix: 'sessions' }),
    owner?.box, wrap, status, button);
  submitter(form, status, button, 'programs', item, () => {
    const body = {
      slug: slug.value.trim(), title: title.value.trim(), summary: summary.value.trim(), regions: regions.values(),
      weeks: number(weeks), days_of_week: days.values().map(Number), sessions_per_day: number(perDay),
      source: sources.values(), sessions: toBody(model),
    };
    if (lines(advice.value).length) body.advice = lines(advice.value);
    if (owner) body.owner = owner.value();
    return body;
  }, done, short);
  return form;
}
