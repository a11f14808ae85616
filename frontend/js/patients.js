import { api } from './api.js';
import { h, heading, say, score, statusLine } from './ui.js';

const pct = (value) => (value == null ? '–' : `${Math.round(value * 100)} %`);

const SCOPES = [['all', 'All'], ['mine', 'Mine'], ['team', 'Team']];
const EMPTY = {
  mine: 'You lead no patients yet.',
  team: 'You are on no colleague\'s care team.',
};

export async function render(screen, params, { user }) {
  const status = statusLine();
  const treats = user.clinic?.treats_patients !== false;
  screen.append(
    h('div', { class: 'title-row' }, heading('Patients'), treats ? h('a', { class: 'button', href: '#/invite' }, 'Invite patient') : null),
    status,
  );
  const notices = h('div');
  screen.append(notices);
  drawNotices(notices);
  let scope = SCOPES.some(([key]) => key === params.scope) ? params.scope : 'all';
  const chips = SCOPES.map(([key, label]) => h('button', {
    type: 'button', class: 'chip', 'aria-pressed': String(key === scope), 'data-scope': key,
  }, label));
  const filter = h('div', { class: 'chips', role: 'group', 'aria-label': 'Show patients', hidden: true }, chips);
  const list = h('div', { class: 'patient-list', 'aria-live': 'polite', 'aria-busy': 'true' });
  screen.append(filter, list);
  const load = async () => {
    list.setAttribute('aria-busy', 'true');
    let patients;
    try {
      patients = await api(scope === 'all' ? '/patients' : `/patients?scope=${scope}`);
    } catch (error) {
      say(status, error.message, 'error');
      list.removeAttribute('aria-busy');
      return;
    }
    say(status, '');
    // Whose patient each is, and the filter, matter only where colleagues share
    // care: a therapist alone in a clinic of one sees the list as before.
    const shared = await colleagues();
    if (shared || scope !== 'all') filter.hidden = false;
    list.replaceChildren(...table(patients, scope, user, shared));
    list.removeAttribute('aria-busy');
  };
  for (const chip of chips) {
    chip.addEventListener('click', () => {
      scope = chip.dataset.scope;
      for (const other of chips) other.setAttribute('aria-pressed', String(other === chip));
      history.replaceState(null, '', scope === 'all' ? '#/patients' : `#/patients?scope=${scope}`);
      load();
    });
  }
  await load();
}

/** Whether the caller's clinic has other members (if the answer cannot be had,
 * as if it had). */
async function colleagues() {
  try {
    return (await api('/clinic')).member_count > 1;
  } catch {
    return true;
  }
}

/** "You lead" or "Lead: Dr X" under the patient's name, where colleagues
 * share care. */
function whose(p, user, shared) {
  if (!p.lead || !shared) return null;
  const text = p.lead.id === user.id || p.my_part === 'lead' ? 'You lead' : `Lead: ${p.lead.name}`;
  return h('span', { class: `sub whose${p.my_part === 'lead' ? ' mine' : ''}` }, text);
}

function table(patients, scope, user, shared) {
  if (!patients.length) {
    return [h('div', { class: 'card' }, h('p', {}, EMPTY[scope]
      || (user.clinic?.treats_patients === false
        ? 'You manage the clinic without treating patients, so no patients are listed here.'
        : 'No patients yet. Invite your first patient: they get a link and a QR code to enrol.')))];
  }
  patients.sort((a, b) => b.open_alerts - a.open_alerts || a.name.localeCompare(b.name));
  const row = (p) => h('tr', { class: p.open_alerts ? 'alerting' : null },
    h('th', { scope: 'row' }, h('a', { href: `#/patients/${p.id}` }, p.name), h('span', { class: 'sub' }, p.email), whose(p, user, shared)),
    h('td', { 'data-label': 'Low back' }, score(p.latest?.low_back)),
    h('td', { 'data-label': 'Neck' }, score(p.latest?.neck)),
    h('td', { 'data-label': 'Headache' }, score(p.latest?.headache)),
    h('td', { 'data-label': 'Adherence, 7 days' }, pct(p.adherence_7d)),
    h('td', { 'data-label': 'Open alerts' }, p.open_alerts ? h('strong', { class: 'alert-count' }, String(p.open_alerts)) : '0',
      p.pending_suggestions ? h('a', { href: `#/patients/${p.id}/plan`, class: 'suggestion-count', title: 'Progression suggestions to review' },
        ` · ${p.pending_suggestions} to review`) : ''),
    h('td', { 'data-label': 'Unread messages' }, p.unread_messages
      ? h('a', { href: `#/messages/${p.id}`, class: 'unread-count' }, String(p.unread_messages)) : '0'),
  );
  const which = { all: 'Your patients', mine: 'The patients you lead', team: 'Your colleagues\' patients whose care team you are on' }[scope];
  return [h('div', { class: 'card table-wrap' }, h('table', { class: 'patients' },
    h('caption', { class: 'sr-only' }, `${which}, with who leads their care, their latest pain scores (0 to 10), 7-day adherence, open alerts and unread messages`),
    h('thead', {}, h('tr', {},
      ['Patient', 'Low back', 'Neck', 'Headache', 'Adherence, 7 days', 'Open alerts', 'Unread messages'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, patients.map(row))))];
}

/** Notices for the therapist from the last 30 days: a patient who deleted their
 * account (only their name and the day are kept). */
async function drawNotices(box) {
  let items;
  try {
    items = await api('/me/notifications?limit=20');
  } catch {
    return; // the list of patients is what matters here
  }
  const since = Date.now() - 30 * 24 * 3600 * 1000;
  const recent = items.filter((n) => n.kind === 'account_gone' && Date.parse(n.created_at) >= since);
  if (!recent.length) return;
  box.replaceChildren(h('section', { class: 'card notices', 'aria-labelledby': 'notices-h' },
    h('h2', { id: 'notices-h' }, 'Recent changes'),
    h('ul', { class: 'plain' }, recent.map((n) => h('li', {}, n.body)))));
}
