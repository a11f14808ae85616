import { api, auth } from './api.js';
import { field, h, heading, say, showError, statusLine } from './ui.js';

export async function render(screen) {
  const status = statusLine();
  screen.append(heading('Reminders'), status);
  let settings;
  try {
    settings = await api('/me/reminders');
  } catch (error) {
    say(status, error.status === 404
      ? 'Reminders are not available yet. Please check again after the next update.'
      : error.message, 'error');
    return;
  }
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || settings.timezone;
  const enabled = h('input', { type: 'checkbox', name: 'enabled', id: 'rem-on', class: 'tick', checked: settings.enabled });
  const time = h('input', { type: 'time', name: 'time', value: settings.time, required: true });
  const timezone = h('input', { name: 'timezone', value: settings.timezone || zone, readonly: true });
  const useHere = h('button', { type: 'button', class: 'secondary' }, 'Use this device\'s timezone');
  useHere.addEventListener('click', () => { timezone.value = zone; });
  const saved = statusLine();
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('div', { class: 'tick-row' }, enabled, h('label', { for: 'rem-on' }, 'Remind me every day')),
    h('p', { class: 'field-error', id: 'rem-on-err', hidden: true }),
    field('Reminder time', time, 'Your local time.'),
    field('Timezone', timezone),
    timezone.value !== zone ? useHere : null,
    saved,
    h('button', { type: 'submit' }, 'Save reminder'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const answer = await api('/me/reminders', {
        method: 'PUT',
        body: { enabled: enabled.checked, time: time.value.slice(0, 5), timezone: timezone.value },
      });
      say(saved, answer.enabled ? `Saved. We will remind you every day at ${answer.time}.` : 'Saved. Reminders are off.', 'ok');
      if (auth.user && answer.timezone) auth.setUser({ ...auth.user, timezone: answer.timezone });
    } catch (error) {
      showError(form, saved, error);
    }
  });
  screen.append(
    h('p', { class: 'lead' }, 'A daily nudge to do your exercises and log your pain.'),
    form,
    h('p', { class: 'hint narrow' }, 'Notifications on this phone come with a later update; reminders also appear in the app.'));
}
