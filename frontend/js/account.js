// The Account screen, for both roles: change the password (every other device is
// signed out, this one stays) and sign out everywhere.
import { api } from './api.js';
import { leave } from './app.js';
import { clearErrors, field, h, heading, say, showError, statusLine } from './ui.js';

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

export function render(screen, params, { user }) {
  screen.append(
    heading('Account'),
    h('p', { class: 'lead' }, `${user.name}, signed in as ${user.email}.`),
    h('div', { class: 'columns even' }, passwordForm(), everywhere()),
  );
}
