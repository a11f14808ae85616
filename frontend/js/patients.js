import { api } from './api.js';
import { h, heading, say, score, statusLine } from './ui.js';

const pct = (value) => (value == null ? '–' : `${Math.round(value * 100)} %`);

export async function render(screen) {
  const status = statusLine();
  screen.append(
    h('div', { class: 'title-row' }, heading('Patients'), h('a', { class: 'button', href: '#/invite' }, 'Invite patient')),
    status,
  );
  const notices = h('div');
  screen.append(notices);
  drawNotices(notices);
  let patients;
  try {
    patients = await api('/patients');
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  if (!patients.length) {
    screen.append(h('div', { class: 'card' }, h('p', {}, 'No patients yet. Invite your first patient: they get a link and a QR code to enrol.')));
    return;
  }
  patients.sort((a, b) => b.open_alerts - a.open_alerts || a.name.localeCompare(b.name));
  const row = (p) => h('tr', { class: p.open_alerts ? 'alerting' : null },
    h('th', { scope: 'row' }, h('a', { href: `#/patients/${p.id}` }, p.name), h('span', { class: 'sub' }, p.email)),
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
  screen.append(h('div', { class: 'card table-wrap' }, h('table', { class: 'patients' },
    h('caption', { class: 'sr-only' }, 'Your patients with their latest pain scores (0 to 10), 7-day adherence, open alerts and unread messages'),
    h('thead', {}, h('tr', {},
      ['Patient', 'Low back', 'Neck', 'Headache', 'Adherence, 7 days', 'Open alerts', 'Unread messages'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, patients.map(row)))));
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
