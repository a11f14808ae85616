// The Account screen, for both roles: the details that go into health-record
// exports, change the password (every other device is signed out, this one
// stays) and sign out everywhere.
import { api, auth } from './api.js';
import { leave } from './app.js';
import { clearErrors, field, h, heading, say, showError, statusLine } from './ui.js';

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

export async function render(screen, params, { user }) {
  screen.append(
    heading('Account'),
    h('p', { class: 'lead' }, `${user.name}, signed in as ${user.email}.`),
  );
  let me = user;
  try {
    me = await api('/me'); // the saved copy may predate the details
    auth.setUser(me);
  } catch {
    // Offline: the saved copy fills the form.
  }
  screen.append(
    h('div', { class: 'columns even' }, detailsForm(me), h('div', {}, passwordForm(), everywhere())),
  );
}
