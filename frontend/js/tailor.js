// "Tailor plan": the therapist edits one patient's plan (exercises, dose, side,
// notes), saves it as a new prescription version, reads the version history and
// can keep the plan as a program of their own. Also the dialog that tailors a
// program before it is assigned.
import { api } from './api.js';
import { pickExercise } from './picker.js';
import { planEditor, toBody, toModel } from './plan-editor.js';
import { planWeek } from './plan-view.js';
import { clearErrors, field, formatTime, h, heading, nextId, say, showError, statusLine } from './ui.js';

export async function render(screen, { id, plan }) {
  const status = statusLine();
  const back = h('a', { href: `#/patients/${id}/plan` }, '← Back to the plan');
  screen.append(h('p', {}, back), heading('Tailor plan'), status);
  let rx;
  let patient;
  try {
    [rx, patient] = await Promise.all([api(`/assignments/${plan}/prescription`), api(`/patients/${id}`)]);
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  const assignment = (patient.assignments || []).find((a) => String(a.id) === String(plan)) || {};
  const title = assignment.program_title || assignment.program || 'Plan';
  back.textContent = `← ${patient.name}`;
  screen.querySelector('h1').textContent = `Tailor plan: ${title}`;
  const lead = h('p', { class: 'lead' });
  const history = h('section', { class: 'card history' });
  const showVersion = (current) => {
    lead.textContent = `For ${patient.name} · ${current.weeks} weeks · version ${current.version}, ${changedLine(current)}`;
  };
  showVersion(rx);
  screen.querySelector('h1').after(lead);
  const editor = tailorForm(rx, plan, planWeek(assignment.start_date), (saved) => {
    showVersion(saved);
    drawHistory(history, plan);
  });
  screen.append(h('div', { class: 'columns tailor' },
    editor,
    h('div', {}, saveAsProgram(plan, title), history)));
  drawHistory(history, plan);
}

const changedLine = (rx) => `${rx.version > 1 ? 'changed' : 'prescribed'} ${formatTime(rx.changed_at)}${rx.changed_by ? ` by ${rx.changed_by.name}` : ''}`;

// Unsaved edits live in this tab's sessionStorage until saved, so leaving the
// screen (or a reload) loses nothing; they are offered back on return.
const draftKey = (plan) => `kc.draft.rx.${plan}`;

function readDraft(plan, version) {
  try {
    const draft = JSON.parse(sessionStorage.getItem(draftKey(plan)));
    return draft?.version === version ? draft : null;
  } catch {
    return null;
  }
}

function tailorForm(rx, plan, week, onSaved) {
  const draft = readDraft(plan, rx.version);
  const note = h('textarea', { name: 'note', rows: '3', maxlength: '2000' });
  const holder = h('div');
  const status = statusLine();
  const unsaved = h('p', { class: 'hint', 'aria-live': 'polite' });
  const discard = h('button', { type: 'button', class: 'secondary' }, 'Discard changes');
  const button = h('button', { type: 'submit' }, 'Save changes');
  let model;
  const onChange = () => {
    sessionStorage.setItem(draftKey(plan), JSON.stringify({ version: rx.version, note: note.value, model }));
    show('Unsaved changes.', true);
  };
  const show = (message, changed) => {
    unsaved.textContent = message;
    discard.hidden = !changed;
  };
  /** Puts phases and a plan note in the form, from the server or a draft. */
  const load = (phases, text) => {
    model = toModel(phases);
    note.value = text || '';
    holder.replaceChildren(planEditor(model, { pick: pickExercise, week, onChange }));
  };
  const forget = () => sessionStorage.removeItem(draftKey(plan));
  load(draft ? draft.model : rx.phases, draft ? draft.note : rx.note);
  show(draft ? 'Unsaved changes, kept from your last visit.' : '', !!draft);
  note.addEventListener('input', onChange);
  discard.addEventListener('click', () => {
    forget();
    load(rx.phases, rx.note);
    show('Changes discarded.', false);
  });
  const form = h('form', { class: 'card tailor-form', novalidate: true },
    h('h2', {}, 'Exercises by phase'),
    h('p', { class: 'hint' }, `The phases cover weeks 1 to ${rx.weeks} without gaps. Saving makes a new version: sessions already done keep theirs; the patient gets the new one from their today on.`),
    holder,
    field('Note for the whole plan (optional)', note, 'The patient sees it on Today with the date of the change.'),
    h('div', { class: 'save-bar' }, status, unsaved, h('div', { class: 'actions' }, button, discard)));
  onSubmit(form, button, status, () => api(`/assignments/${plan}/prescription`, {
    method: 'PUT', body: { note: note.value.trim() || null, phases: toBody(model) },
  }), (saved) => {
    forget();
    show('', false);
    const same = saved.version === rx.version;
    rx = saved;
    load(saved.phases, saved.note);
    say(status, same ? 'Nothing changed, so no new version was made.' : `Saved as version ${saved.version}. The patient sees it from today.`, 'ok');
    onSaved(saved);
  });
  return form;
}

/** Sends the form with `send` and hands the answer to `done`; a 422 lands beside its fields. */
function onSubmit(form, button, status, send, done) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    try {
      done(await send());
    } catch (error) {
      const advanced = form.querySelector('details.advanced');
      if (advanced && error.errors?.slug) advanced.open = true;
      showError(form, status, error);
    }
    button.disabled = false;
  });
}

async function drawHistory(box, plan) {
  box.replaceChildren(h('h2', {}, 'Version history'));
  let versions;
  try {
    versions = await api(`/assignments/${plan}/prescription/history`);
  } catch (error) {
    box.append(h('p', { class: 'error' }, error.message));
    return;
  }
  box.append(h('ol', { class: 'versions', reversed: true }, versions.map((v) => h('li', {},
    h('p', {}, h('strong', {}, `Version ${v.version}`), h('span', { class: 'sub' }, changedLine(v))),
    v.changes?.length ? h('ul', { class: 'changes' }, v.changes.map((c) => h('li', {}, c))) : null,
    v.note ? h('p', { class: 'hint' }, `Plan note: “${v.note}”`) : null))));
}

function saveAsProgram(plan, title) {
  const name = h('input', { name: 'title', maxlength: '120', required: true, value: `${title} (tailored)` });
  const slug = h('input', { name: 'slug', maxlength: '80', autocapitalize: 'none', spellcheck: false, pattern: '[a-z0-9]+(-[a-z0-9]+)*' });
  const status = statusLine();
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Save as program');
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'Save this plan as a program'),
    h('p', { class: 'hint' }, 'Keeps the saved exercises and doses as a program of your own, to assign to other patients.'),
    field('Program title', name),
    h('details', { class: 'advanced' }, h('summary', {}, 'Advanced'),
      field('Short name (slug, optional)', slug, 'Used in file names and links; made from the title when empty. Lowercase letters, digits and hyphens.')),
    status, button);
  onSubmit(form, button, status, () => {
    const body = { title: name.value.trim() };
    if (slug.value.trim()) body.slug = slug.value.trim();
    return api(`/assignments/${plan}/save-as-program`, { method: 'POST', body });
  }, (program) => {
    say(status, `Saved as “${program.title}”. `, 'ok');
    status.append(h('a', { href: `#/library/programs/${program.slug}` }, 'Open it in your library'));
  });
  return form;
}

/**
 * Tailors a program before it is assigned: a dialog with the phase editor.
 * Resolves with the edited model, or null when cancelled. `errors` (an ApiError)
 * are shown beside their fields when the dialog is opened again after a 422.
 */
export function tailorDialog(programTitle, model, error) {
  return new Promise((resolve) => {
    const titleId = nextId('tailor');
    const status = statusLine();
    const use = h('button', { type: 'submit' }, 'Use these exercises');
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const working = structuredClone(model);
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: titleId }, `Tailor ${programTitle}`),
      h('p', { class: 'hint' }, 'Change the exercises, doses and notes for this patient; the program itself stays as it is.'),
      planEditor(working, { pick: pickExercise }), h('div', { class: 'save-bar' }, status, h('div', { class: 'actions' }, use, cancel)));
    const dialog = h('dialog', { class: 'picker wide', 'aria-labelledby': titleId }, form);
    let result = null;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      result = working;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    if (error) showError(form, status, error);
    else form.querySelector('input:not([type="hidden"])')?.focus();
  });
}
