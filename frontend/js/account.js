// The Account screen, for both roles: name and time zone, the details that go
// into health-record exports, change the password (every other device is signed
// out, this one stays), sign out everywhere and download my data; for a patient
// also the reminder link and deleting the account.
import { api, apiBlob, auth, saveBlob } from './api.js';
import { leave } from './app.js';
import { clearErrors, field, formatTime, h, heading, isoDay, say, showError, statusLine } from './ui.js';

function zoneControl(current) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  if (!zones.length) return h('input', { name: 'timezone', value: current, autocomplete: 'off' });
  const all = zones.includes(current) ? zones : [current, ...zones];
  return h('select', { name: 'timezone' }, all.map((zone) => h('option', { value: zone, selected: zone === current }, zone.replaceAll('_', ' '))));
}

function profileForm(user) {
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, value: user.name });
  // Only a patient's days follow the account's zone; a therapist's screens show
  // times in the device's own zone, so they are not asked for one.
  const zone = user.role === 'patient' ? zoneControl(user.timezone) : null;
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Save');
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h2', {}, zone ? 'Name and time zone' : 'Your name'),
    field('Your name', name),
    zone ? field('Time zone', zone, `Your days (Today, reminders, the pain diary) follow this zone. This phone is set to ${here}.`) : null,
    status, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    try {
      const body = { name: name.value.trim(), ...(zone ? { timezone: zone.value } : {}) };
      const updated = await api('/me', { method: 'PATCH', body });
      auth.setUser(updated);
      document.getElementById('who').textContent = `Signed in as ${updated.name} (${updated.email})`;
      say(status, 'Saved.', 'ok');
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });
  return form;
}

function dataCard(user) {
  const status = statusLine();
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download my data');
  download.addEventListener('click', async () => {
    download.disabled = true;
    say(status, 'Preparing your file…');
    try {
      saveBlob(await apiBlob('/me/export'), `kinetic-chain-my-data-${isoDay()}.json`);
      say(status, 'Downloaded: a JSON file with everything stored about you.', 'ok');
    } catch (error) {
      say(status, error.message, 'error');
    }
    download.disabled = false;
  });
  return h('section', { class: 'card narrow' },
    h('h2', {}, 'Your data'),
    h('p', {}, user.role === 'patient'
      ? 'One file with everything stored about you: your pain diary, sessions, plans, questionnaire answers, messages and settings.'
      : 'One file with everything stored about you: your invites, the plans you assigned, your messages and your own exercises and programs.'),
    download, status);
}

/** What DELETE /me erases (kinetic/services/privacy.py, erase_patient). */
const ERASED = [
  'your pain diary and everything you noted in it',
  'your exercise plans, sessions and how each went',
  'your questionnaire answers',
  'your messages with your therapist, in both directions, and any alerts they had about you',
  'your reminders, notifications and calendar link',
  'your sign-in on every device',
];

function deleteCard(user) {
  const therapist = user.therapist_name || 'your therapist';
  const status = statusLine();
  const ask = h('button', { type: 'button', class: 'danger' }, 'Delete my account');
  const yes = h('button', { type: 'button', class: 'danger' }, 'Yes, delete everything');
  const confirm = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': 'delete-confirm-title' },
    h('p', { id: 'delete-confirm-title' }, h('strong', {}, 'Delete your account for good?'), ' This erases, at once and for good:'),
    h('ul', {}, ERASED.map((text) => h('li', {}, text))),
    h('p', {}, `What ${therapist} sees: you disappear from their list of patients, with everything above. They are told that you deleted your account (your name and the day, nothing else), so you may want to write to them first. To keep a copy, download your data before you delete.`),
    h('div', { class: 'actions' }, yes,
      h('button', { type: 'button', class: 'secondary', onclick: () => { confirm.hidden = true; ask.hidden = false; ask.focus(); } }, 'Cancel, keep my account')));
  ask.addEventListener('click', () => {
    ask.hidden = true;
    confirm.hidden = false;
    yes.focus();
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    say(status, 'Deleting…');
    try {
      await api('/me', { method: 'DELETE' });
    } catch (error) {
      say(status, error.message, 'error');
      yes.disabled = false;
      return;
    }
    await leave('Your account and everything stored about you have been deleted.');
  });
  return h('section', { class: 'card narrow' },
    h('h2', {}, 'Delete my account'),
    h('p', {}, 'Stop using Kinetic Chain and erase everything stored about you.'),
    ask, confirm, status);
}

// FHIR's administrative gender codes (PATCH /me takes these and null).
const SEXES = [['', 'Not given'], ['female', 'Female'], ['male', 'Male'], ['other', 'Other'], ['unknown', 'Unknown']];

/** Names, birth date, sex and the email choice for FHIR exports; all optional. */
function detailsForm(user) {
  const patient = user.role === 'patient';
  const given = h('input', { name: 'given_name', autocomplete: 'given-name', maxlength: '120', value: user.given_name || '' });
  const family = h('input', { name: 'family_name', autocomplete: 'family-name', maxlength: '120', value: user.family_name || '' });
  const born = h('input', { type: 'date', name: 'birth_date', autocomplete: 'bday', min: '1900-01-01', value: user.birth_date || '' });
  const sex = h('select', { name: 'sex' }, ...SEXES.map(([value, label]) => h('option', { value, selected: (user.sex || '') === value }, label)));
  const share = h('input', { type: 'checkbox', name: 'share_email_in_exports', id: 'share-email', class: 'tick', checked: Boolean(user.share_email_in_exports) });
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Save details');
  const whom = patient ? 'your therapist exports your record' : 'a patient\'s record is exported';
  const form = h('form', { class: 'card narrow', novalidate: true, 'aria-labelledby': 'details-h' },
    h('h2', { id: 'details-h' }, 'Details for health records'),
    h('p', { class: 'hint' }, `Optional. When ${whom} for a hospital or doctor (FHIR), these help them match it to the right person. Leave out what you do not want to give.`),
    field('Given name(s)', given),
    field('Family name', family),
    patient ? field('Date of birth', born) : null,
    patient ? field('Sex', sex, 'As recorded by your doctor or hospital.') : null,
    h('div', { class: 'tick-row' }, share, h('label', { for: 'share-email' }, `Include my email address (${user.email})`)),
    h('p', { class: 'field-error', id: 'share-email-err', hidden: true }),
    status, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    const orNull = (input) => input.value.trim() || null;
    const body = { given_name: orNull(given), family_name: orNull(family), share_email_in_exports: share.checked };
    if (patient) Object.assign(body, { birth_date: born.value || null, sex: sex.value || null });
    try {
      auth.setUser(await api('/me', { method: 'PATCH', body }));
      say(status, 'Saved.', 'ok');
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });
  return form;
}

function passwordForm() {
  const current = h('input', { type: 'password', name: 'current_password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password', required: true, minlength: '10' });
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Change password');
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h2', {}, 'Change password'),
    field('Current password', current),
    field('New password', next, 'At least 10 characters; not a common password and not your email address.'),
    status, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    say(status, 'Changing…');
    try {
      await api('/me/password', {
        method: 'POST', body: { current_password: current.value, new_password: next.value },
      });
      form.reset();
      say(status, 'Password changed. You are still signed in here; every other device has been signed out.', 'ok');
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });
  return form;
}

function everywhere() {
  const status = statusLine();
  const ask = h('button', { type: 'button', class: 'danger' }, 'Sign out everywhere');
  const confirm = h('div', { class: 'confirm', hidden: true },
    h('p', {}, h('strong', {}, 'Sign out on every device, this one too?'),
      ' Anyone using your account on another phone or computer will have to sign in again.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', onclick: () => signOutAll(status) }, 'Yes, sign out everywhere'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { confirm.hidden = true; ask.hidden = false; } }, 'Cancel')));
  ask.addEventListener('click', () => {
    ask.hidden = true;
    confirm.hidden = false;
    confirm.querySelector('button').focus();
  });
  return h('section', { class: 'card narrow' },
    h('h2', {}, 'Sign out everywhere'),
    h('p', {}, 'Lost a phone, or signed in on a shared computer? This ends every session of your account.'),
    ask, confirm, status);
}

async function signOutAll(status) {
  say(status, 'Signing out everywhere…');
  try {
    await api('/auth/logout-all', { method: 'POST' });
  } catch (error) {
    say(status, error.message, 'error');
    return;
  }
  await leave('You have been signed out on every device.');
}

/** The patient's care team: the lead first, marked, then the others. */
function careTeamCard() {
  const body = h('div', {}, h('p', {}, 'Loading…'));
  api('/me/care-team').then((team) => {
    if (!team.members?.length) {
      body.replaceChildren(h('p', {}, 'You have no therapist at the moment.'));
      return;
    }
    body.replaceChildren(
      h('p', {}, 'The therapists who see your diary, plan and messages, and may change your plan.'),
      h('ul', { class: 'member-list team-list' }, team.members.map((m) => h('li', { class: `member${m.lead ? ' is-lead' : ''}` },
        h('div', { class: 'member-about' },
          h('strong', { class: 'member-name' }, m.name, m.lead ? h('span', { class: 'lead-tag' }, 'Lead') : null),
          h('span', { class: 'sub' }, m.lead ? 'Leads your care' : 'On your care team'))))));
  }, (error) => body.replaceChildren(h('p', { class: 'error' }, error.message)));
  return h('section', { class: 'card narrow', 'aria-labelledby': 'team-h' }, h('h2', { id: 'team-h' }, 'Your care team'), body);
}

/** What each kind of access did, in a patient's words. */
const ACCESS_WORDS = {
  view: 'viewed your record',
  export: 'downloaded your progress report as a PDF',
  report: 'opened your progress report',
  fhir: 'exported your record for a doctor or hospital',
  change: 'changed your record or plan',
};
const SHOWN = 10;

/** "Dr X viewed your record, 4 Dec 14:05", newest first. */
function accessCard() {
  const list = h('ul', { class: 'entries access-entries' }, h('li', {}, 'Loading…'));
  const more = h('button', { type: 'button', class: 'secondary small', hidden: true });
  const line = (row) => h('li', {}, h('span', {}, `${row.therapist_name || 'A former therapist'} ${ACCESS_WORDS[row.kind] || `opened your record (${row.kind})`}, `,
    h('time', { datetime: row.at }, formatTime(row.at))));
  api('/me/access-log').then((rows) => {
    if (!rows.length) {
      list.replaceChildren(h('li', {}, 'No one has opened your record yet.'));
      return;
    }
    list.replaceChildren(...rows.slice(0, SHOWN).map(line));
    if (rows.length > SHOWN) {
      more.textContent = `Show all ${rows.length}`;
      more.hidden = false;
      more.addEventListener('click', () => {
        list.append(...rows.slice(SHOWN).map(line));
        more.hidden = true;
        list.children[SHOWN]?.setAttribute('tabindex', '-1');
        list.children[SHOWN]?.focus();
      }, { once: true });
    }
  }, (error) => list.replaceChildren(h('li', { class: 'error' }, error.message)));
  return h('section', { class: 'card narrow', 'aria-labelledby': 'access-h' },
    h('h2', { id: 'access-h' }, 'Who opened your record'),
    h('p', { class: 'hint' }, 'Only therapists on your care team can open your record. Visits by the same therapist within 10 minutes are listed once.'),
    list, more);
}

export async function render(screen, params, { user: saved }) {
  let user = saved;
  try {
    user = await api('/me');
    auth.setUser(user);
  } catch { /* offline: the saved copy */ }
  const patient = user.role === 'patient';
  screen.append(...[
    heading('Account'),
    h('p', { class: 'lead' }, `${user.name}, signed in as ${user.email}.`,
      patient && user.therapist_name ? ` Your therapist is ${user.therapist_name}.` : '',
      user.clinic ? [` You are ${user.clinic.role === 'admin' ? 'an admin' : 'a therapist'} at `, h('a', { href: '#/clinic' }, user.clinic.name), '.'] : ''),
    h('div', { class: 'columns even' },
      h('div', {}, profileForm(user),
        patient ? h('section', { class: 'card narrow' }, h('h2', {}, 'Reminders'),
          h('p', {}, 'A daily reminder on this phone to do your exercises and log your pain.'),
          h('a', { class: 'button secondary', href: '#/reminders' }, 'Set reminders')) : null,
        patient ? careTeamCard() : null,
        patient ? accessCard() : null,
        patient ? null : detailsForm(user), patient ? null : dataCard(user)),
      h('div', {}, patient ? detailsForm(user) : null, patient ? dataCard(user) : null,
        passwordForm(), everywhere(), patient ? deleteCard(user) : null)),
  ].filter(Boolean));
}
