// Symptom-driven progression on the therapist's patient page: the suggestions
// the rules of programs/progression.yaml made, with their figures, to accept or
// dismiss in one tap, and Undo after a change. A suggestion withdrawn because a
// newer fact undid its grounds shows that fact, and cannot be accepted.
import { api } from './api.js';
import { formatTime, h, say, statusLine } from './ui.js';

const ACTION = { advance: 'Advance early', hold: 'Hold this phase', step_back: 'Step back a phase' };
const STATUS = {
  pending: 'Suggested', applied: 'Applied', dismissed: 'Dismissed', undone: 'Undone', withdrawn: 'Withdrawn',
};
export const MODES = {
  suggest: 'Suggest changes for me to accept',
  auto: 'Apply changes automatically (both of us are told)',
  off: 'Off: phases follow the calendar',
};

function figures(s) {
  const f = s.figures || {};
  const parts = [];
  if (f.pain_during) parts.push(`pain during ${f.pain_during.join(', ')}`);
  if (f.adherence != null) parts.push(`adherence ${Math.round(f.adherence * 100)}% (${f.adherence_days} days)`);
  if (f.missed) parts.push(`${f.missed} of ${f.sessions_due} sessions missed`);
  for (const [region, rise] of Object.entries(f.mean_rise || {})) parts.push(`${region.replace('_', ' ')} mean +${rise}`);
  if (f.alert) parts.push(`${f.alert.replace('_', ' ')} alert`);
  if (f.week) parts.push(`week ${f.week}: ${f.from_phase} → ${f.to_phase}`);
  return parts.join(' · ');
}

function card(s, redraw) {
  const status = statusLine();
  const act = (label, verb, kind = 'secondary') => {
    const button = h('button', { type: 'button', class: kind }, label);
    button.setAttribute('aria-label', `${label}: ${ACTION[s.action]}`);
    button.addEventListener('click', async () => {
      try {
        await api(`/suggestions/${s.id}/${verb}`, { method: 'POST' });
        redraw();
      } catch (error) {
        say(status, error.message, 'error');
      }
    });
    return button;
  };
  const buttons = s.status === 'pending' ? [act('Accept', 'accept', 'primary'), act('Dismiss', 'dismiss')]
    : s.can_undo ? [act('Undo', 'undo')] : [];
  return h('li', { class: `suggestion ${s.status}` },
    h('p', {}, h('strong', {}, ACTION[s.action]), ` · ${s.program_title} · `,
      STATUS[s.status] + (s.automatic ? ' automatically' : ''), s.decided_by ? ` by ${s.decided_by.name}` : '',
      ` · ${formatTime(s.decided_at || s.created_at)}`),
    s.status === 'withdrawn' ? h('p', { class: 'withdrawn-reason' }, s.withdrawn_reason || 'Withdrawn.') : '',
    h('p', {}, s.reason),
    h('p', { class: 'sub' }, figures(s)),
    h('details', {}, h('summary', {}, 'The rule'), h('p', {}, s.explanation)),
    buttons.length ? h('div', { class: 'actions' }, ...buttons) : '', status);
}

/** The suggestions card; it redraws itself (and `onChange`) after a decision. */
export function suggestionsPanel(patientId, onChange = () => {}) {
  const box = h('section', { class: 'card', id: 'suggestions', 'aria-live': 'polite' });
  const draw = async () => {
    let list;
    try {
      list = await api(`/patients/${patientId}/suggestions`);
    } catch {
      return;
    }
    if (!list.length) {
      box.replaceChildren();
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const redraw = () => { draw(); onChange(); };
    box.replaceChildren(h('h2', {}, 'Progression'), h('ul', { class: 'suggestions' }, list.map((s) => card(s, redraw))));
  };
  draw();
  return box;
}

/** The plan's progression mode, saved on change. */
export function modeSelect(a) {
  const select = h('select', { 'aria-label': `Progression for ${a.program_title || a.program}` },
    ...Object.entries(MODES).map(([value, label]) => h('option', { value, selected: a.progression === value }, label)));
  const status = statusLine();
  select.addEventListener('change', async () => {
    try {
      await api(`/assignments/${a.id}`, { method: 'PATCH', body: { progression: select.value } });
      say(status, 'Saved.');
    } catch (error) {
      say(status, error.message, 'error');
    }
  });
  return h('label', { class: 'progression-mode' }, 'Progression ', select, status);
}
