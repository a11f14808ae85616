import { api, auth } from './api.js';
import { clearErrors, field, h, heading, say, showError, statusLine } from './ui.js';

export function render(screen, params, { go }) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const name = h('input', { name: 'name', autocomplete: 'name', required: true });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', minlength: '10', required: true });
  const code = h('input', { name: 'invite_code', autocomplete: 'off', required: true, value: params.code || '' });
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Create account');
  const form = h('form', { class: 'card narrow', novalidate: true },
    field('Your name', name),
    field('Email', email),
    field('Password', password, 'At least 10 characters; not a common password and not your email address.'),
    field('Invite code', code, 'From your therapist; the link fills it in.'),
    status,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    say(status, 'Creating your account…');
    try {
      const { token, user } = await api('/auth/register', {
        method: 'POST',
        body: {
          name: name.value.trim(), email: email.value.trim(), password: password.value,
          invite_code: code.value.trim(), timezone: zone,
        },
      });
      auth.set(token, user);
      go('today');
    } catch (error) {
      showError(form, status, error);
      button.disabled = false;
    }
  });
  const signedIn = auth.token && auth.user;
  screen.append(
    heading('Join Kinetic Chain'),
    h('p', { class: 'lead' }, 'Your therapist invited you. Create your account to see your exercises and keep your pain diary.'),
    signedIn ? h('p', { class: 'status info' }, `You are signed in as ${auth.user.email}; creating an account here signs you in as the new one.`) : null,
    form,
    h('p', { class: 'narrow' }, 'Already have an account? ', h('a', { href: '#/signin' }, 'Sign in'), '.'),
  );
}
