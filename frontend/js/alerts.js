// The therapist's alerts: every open alert on their patients, newest first, then
// the acknowledged ones; each says what raised it and can be acknowledged.
import { api } from './api.js';
import { formatTime, h, heading, say, statusLine } from './ui.js';

export const KIND = {
  red_flag: 'Red flag',
  worsening: 'Worsening pain',
  no_improvement: 'No improvement',
  disengaged: 'Missed sessions',
  neck_flexion: 'Back pain on neck flexion',
  exercise_pain: 'Pain during an exercise',
};

/** One alert as a card; `withPatient` links to the patient's page. */
export function alertCard(alert, { withPatient = false, onChange } = {}) {
  const open = alert.status === 'open';
  const ack = open ? h('button', { type: 'button', class: 'secondary' }, 'Acknowledge') : null;
  const card = h('article', {
    class: `card alert ${alert.kind === 'red_flag' ? 'urgent' : ''} ${open ? '' : 'done'}`,
    'aria-label': `${KIND[alert.kind] || alert.kind}${withPatient ? `, ${alert.patient_name}` : ''}`,
  },
  h('p', {},
    h('strong', {}, `${KIND[alert.kind] || alert.kind}: `),
    withPatient ? [h('a', { href: `#/patients/${alert.patient_id}` }, alert.patient_name), '. '] : null,
    alert.summary || ''),
  h('p', { class: 'sub' }, `Raised ${formatTime(alert.created_at)}`,
    open ? '' : ` · acknowledged ${formatTime(alert.acknowledged_at)}${alert.acknowledged_by ? ` by ${alert.acknowledged_by.name}` : ''}`),
  ack);
  ack?.addEventListener('click', async () => {
    ack.disabled = true;
    try {
      const updated = await api(`/alerts/${alert.id}`, { method: 'PATCH', body: { status: 'acknowledged' } });
      card.replaceWith(alertCard(updated, { withPatient, onChange }));
      onChange?.();
    } catch (error) {
      ack.disabled = false;
      ack.after(h('p', { class: 'status error' }, error.message));
    }
  });
  return card;
}

export async function render(screen) {
  const status = statusLine();
  const list = h('div', { class: 'alerts' });
  screen.append(heading('Alerts'),
    h('p', { class: 'lead' }, 'Red flags, worsening pain, no improvement and missed sessions on your patients. Open alerts come first.'),
    status, list);
  let alerts;
  try {
    alerts = await api('/alerts');
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  if (!alerts.length) {
    list.append(h('p', { class: 'hint' }, 'No alerts. When a patient reports a red flag or their pain gets worse, it shows here.'));
    return;
  }
  const refresh = () => window.dispatchEvent(new Event('alertschange'));
  list.append(...alerts.map((alert) => alertCard(alert, { withPatient: true, onChange: refresh })));
}
