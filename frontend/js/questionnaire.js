// Answering a questionnaire that is due: each item a group of large radio
// buttons (0-10, or the instrument's own answers), scored on the server. Offline,
// the answer waits in the queue like a pain entry.
import { api, submit, uuid } from './api.js';
import { h, heading, say, showError, statusLine } from './ui.js';

export async function render(screen, { slug }) {
  const status = statusLine();
  screen.append(heading('Questionnaire'), status);
  let due;
  try {
    due = await api('/me/questionnaires/due');
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  const form = due.find((q) => q.questionnaire === slug);
  if (!form) {
    screen.append(h('div', { class: 'card' }, h('p', {}, 'Nothing to answer here right now. Thank you!'),
      h('p', {}, h('a', { href: '#/today' }, 'Back to Today'))));
    return;
  }
  screen.querySelector('h1').textContent = form.title;
  screen.append(answerForm(form, screen));
}

function scaleItem(item, index) {
  const name = `answers.${item.code}`;
  const choices = item.options || Array.from({ length: item.max - item.min + 1 }, (_, n) => ({ value: item.min + n, label: String(item.min + n) }));
  const legendId = `q-${item.code}`;
  const group = h('div', { class: item.options ? 'choices' : 'scale-row', role: 'radiogroup', 'aria-labelledby': legendId },
    choices.map((choice) => {
      const id = `${legendId}-${choice.value}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name, id, value: String(choice.value), required: true }),
        h('label', { for: id, 'aria-label': item.options ? null : scaleLabel(item, choice.value) }, choice.label));
    }));
  const err = h('p', { class: 'field-error', id: `${legendId}-0-err`, hidden: true });
  // showError() looks for the first control of the name and its "-err" slot.
  group.querySelector('input').id = `${legendId}-0`;
  group.querySelector('label').htmlFor = `${legendId}-0`;
  return h('fieldset', { class: 'question' },
    h('legend', { id: legendId }, h('span', { class: 'qnum' }, `${index + 1}. `), item.text),
    group,
    item.anchors ? h('p', { class: 'anchors', 'aria-hidden': 'true' },
      h('span', {}, `${item.min} = ${item.anchors.min}`), h('span', {}, `${item.max} = ${item.anchors.max}`)) : null,
    err);
}

function scaleLabel(item, value) {
  if (value === item.min) return `${value}, ${item.anchors?.min || ''}`;
  if (value === item.max) return `${value}, ${item.anchors?.max || ''}`;
  return String(value);
}

function answerForm(due, screen) {
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Send answers');
  const clientId = uuid();
  const form = h('form', { class: 'card questionnaire', novalidate: true },
    h('p', { class: 'lead' }, due.instructions),
    due.items.map(scaleItem), h('div', { class: 'action-bar' }, status, button));
  form.addEventListener('change', (event) => {
    const question = event.target.closest('.question');
    question?.querySelector('[aria-invalid]')?.removeAttribute('aria-invalid');
    const err = question?.querySelector('.field-error');
    if (err) err.hidden = true;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answers = {};
    const missing = {};
    for (const item of due.items) {
      const checked = form.querySelector(`input[name="answers.${item.code}"]:checked`);
      if (checked) answers[item.code] = Number(checked.value);
      else missing[`answers.${item.code}`] = ['Please choose an answer.'];
    }
    if (Object.keys(missing).length) return showError(form, status, { status: 422, errors: missing });
    button.disabled = true;
    try {
      const body = { questionnaire: due.questionnaire, answers, client_id: clientId };
      const result = await submit(`questionnaire-${clientId}`, '/me/questionnaire-responses', body, due.title);
      form.replaceWith(resultCard(due, result));
      screen.querySelector('.result h2')?.focus();
    } catch (error) {
      showError(form, status, error);
      button.disabled = false;
    }
  });
  return form;
}

function changeLine(r) {
  if (r.change_from_baseline == null) return r.meaningful ? 'This counts as a meaningful improvement.' : '';
  if (r.baseline) return 'This is your first score, the baseline: later answers are compared with it.';
  const change = r.change_from_baseline > 0 ? `+${r.change_from_baseline}` : String(r.change_from_baseline).replace('-', '−');
  return `${change} since your first answer: ${r.meaningful ? 'a meaningful improvement.' : 'not yet a meaningful change.'}`;
}

function resultCard(due, result) {
  if (result.queued) {
    return h('section', { class: 'card result' }, h('h2', { tabindex: '-1' }, 'Saved on this phone'),
      h('p', {}, 'Your answers will be sent and scored when you are back online.'),
      h('p', {}, h('a', { class: 'button', href: '#/today' }, 'Back to Today')));
  }
  const r = result.data;
  const ofTen = due.score_range ? ` (scale ${due.score_range[0]} to ${due.score_range[1]})` : '';
  return h('section', { class: 'card result', role: 'status' },
    h('h2', { tabindex: '-1' }, 'Thank you'),
    h('p', { class: 'big-score' }, `${due.title} score: `, h('strong', {}, String(r.score)), r.band ? ` · ${r.band}` : ''),
    h('p', { class: 'hint' }, `${due.better === 'lower' ? 'Lower' : 'Higher'} is better${ofTen}.`),
    h('p', {}, changeLine(r)),
    h('p', {}, 'Your therapist sees your answers too. See them over time on ', h('a', { href: '#/trends' }, 'Trends'), '.'),
    h('p', {}, h('a', { class: 'button', href: '#/today' }, 'Back to Today')));
}
