import { api, auth } from './api.js';
import { enablePush, isIos, isStandalone } from './push.js';
import { field, formatTime, h, heading, say, showError, statusLine } from './ui.js';

const HOME_SCREEN_HELP = 'On iPhone and iPad, notifications need the app on your Home Screen first: '
  + 'tap Share, then "Add to Home Screen", open Kinetic Chain from there and switch reminders on '
  + '(iOS 16.4 or later). Until then, reminders appear here in the app.';

/** What to tell the patient after saving, by what enablePush() found. */
function savedText(answer, push) {
  if (!answer.enabled) return ['Saved. Reminders are off.', 'ok'];
  const when = `every day at ${answer.time}`;
  switch (push) {
    case 'on': return [`Saved. This phone will remind you ${when} when a session is waiting.`, 'ok'];
    case 'denied': return [`Saved. Notifications are blocked for this site, so the reminder ${when} appears in the app only. You can allow notifications in your browser's site settings.`, 'info'];
    case 'ios-home-screen': return [`Saved. ${HOME_SCREEN_HELP}`, 'info'];
    case 'unsupported': return [`Saved. This browser cannot show notifications; the reminder ${when} appears in the app.`, 'info'];
    default: return [`Saved. Notifications could not be set up on this phone just now (are you offline?). The reminder ${when} appears in the app; save again to retry.`, 'info'];
  }
}

async function recent(list) {
  let items = [];
  try {
    items = await api('/me/notifications?limit=10');
  } catch {
    return; // offline and never loaded: nothing to show
  }
  list.replaceChildren(...(items.length
    ? items.map((n) => h('li', {}, h('strong', {}, n.title), ' ', n.body, ' ',
      h('time', { datetime: n.created_at, class: 'hint' }, formatTime(n.created_at))))
    : [h('li', { class: 'hint' }, 'No reminders yet.')]));
}

export async function render(screen) {
  const status = statusLine();
  screen.append(heading('Reminders'), status);
  let settings;
  try {
    settings = await api('/me/reminders');
  } catch (error) {
    say(status, error.message, 'error');
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
    field('Reminder time', time, 'Your local time. No reminder on days without a session, or once it is done.'),
    field('Timezone', timezone),
    timezone.value !== zone ? useHere : null,
    saved,
    h('button', { type: 'submit' }, 'Save reminder'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let answer;
    try {
      answer = await api('/me/reminders', {
        method: 'PUT',
        body: { enabled: enabled.checked, time: time.value.slice(0, 5), timezone: timezone.value },
      });
    } catch (error) {
      showError(form, saved, error);
      return;
    }
    if (auth.user && answer.timezone) auth.setUser({ ...auth.user, timezone: answer.timezone });
    // Permission is asked for here, when the patient has just switched reminders on.
    say(saved, answer.enabled ? 'Saved. Setting up notifications on this phone …' : '', 'info');
    const push = answer.enabled ? await enablePush() : null;
    const [text, kind] = savedText(answer, push);
    say(saved, text, kind);
  });
  const list = h('ul', { class: 'plain notifications' });
  screen.append(
    h('p', { class: 'lead' }, 'A daily nudge to do your exercises, on this phone and in the app.'),
    ...(isIos() && !isStandalone() ? [h('p', { class: 'hint narrow' }, HOME_SCREEN_HELP)] : []),
    form,
    calendarCard(),
    h('section', { class: 'card narrow', 'aria-labelledby': 'recent-h' },
      h('h2', { id: 'recent-h' }, 'Recent reminders'), list),
  );
  recent(list);
}

/** "Add to calendar": a private link to a calendar feed of the next four weeks of
 * sessions at the reminder time, each with an alarm. It is the reminder for
 * phones that cannot get notifications. */
function calendarCard() {
  const status = statusLine();
  const body = h('div');
  const card = h('section', { class: 'card narrow', 'aria-labelledby': 'cal-h' },
    h('h2', { id: 'cal-h' }, 'Add to calendar'),
    h('p', { class: 'hint' }, 'Your calendar app shows the next four weeks of sessions at your reminder time, '
      + 'with an alarm, and keeps up as your plan changes. Handy where notifications do not work, such as an '
      + 'iPhone without the app on the Home Screen. Anyone with the link can see when you exercise: keep it private.'),
    body, status);

  const make = h('button', { type: 'button' }, 'Add to calendar');
  const stop = h('button', { type: 'button', class: 'danger' }, 'Stop the calendar link');
  function idle(active, since) {
    make.textContent = active ? 'Make a new link' : 'Add to calendar';
    body.replaceChildren(
      active ? h('p', {}, `A calendar link is active since ${formatTime(since)}. A new link stops the old one.`) : '',
      h('div', { class: 'actions' }, make, active ? stop : ''));
  }
  function shown(link) {
    const input = h('input', { readonly: true, value: link.url, id: 'cal-url', 'aria-describedby': 'cal-url-hint' });
    const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy link');
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(link.url);
        say(status, 'Link copied. Paste it where your calendar app adds a calendar by URL (subscribe).', 'ok');
      } catch {
        input.select();
        say(status, 'Select the link and copy it.', 'info');
      }
    });
    body.replaceChildren(
      h('div', { class: 'field' }, h('label', { for: 'cal-url' }, 'Your private calendar link'), input,
        h('p', { class: 'hint', id: 'cal-url-hint' }, 'This link is shown once. Subscribe to it, do not share it.')),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: link.webcal_url }, 'Open in calendar app'), copy, stop));
  }
  make.addEventListener('click', async () => {
    make.disabled = true;
    try {
      shown(await api('/me/calendar', { method: 'POST' }));
      say(status, '');
    } catch (error) {
      say(status, error.message, 'error');
    }
    make.disabled = false;
  });
  stop.addEventListener('click', async () => {
    try {
      await api('/me/calendar', { method: 'DELETE' });
      say(status, 'The calendar link is stopped. Calendars subscribed to it get no more sessions.', 'ok');
      idle(false);
    } catch (error) {
      say(status, error.message, 'error');
    }
  });
  api('/me/calendar').then((state) => idle(state.active, state.created_at), () => idle(false));
  return card;
}
