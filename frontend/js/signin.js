import { api, auth, sync } from './api.js';
import { adoptTimezone } from './app.js';
import { clearErrors, field, h, heading, say, showError, statusLine } from './ui.js';

export function render(screen, params, { go }) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', novalidate: true },
    field('Email', email),
    field('Password', password),
    status,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!email.value || !password.value) {
      say(status, 'Please enter your email and password.', 'error');
      return;
    }
    button.disabled = true;
    say(status, 'Signing in…');
    try {
      const { token, user } = await api('/auth/login', {
        method: 'POST', body: { email: email.value.trim(), password: password.value },
      });
      auth.set(token, user);
      await adoptTimezone(user);
      sync();
      const manager = user.role === 'therapist' && user.clinic?.treats_patients === false;
      go(user.role === 'therapist' ? (manager ? 'clinic' : 'patients') : 'today');
    } catch (error) {
      showError(form, status, error);
      button.disabled = false;
    }
  });
  screen.append(
    heading('Sign in'),
    h('p', { class: 'lead' }, 'Your home exercises and pain diary, with your therapist.'),
    form,
    h('p', { class: 'narrow' }, 'New patient? Open the enrolment link your therapist gave you, or ',
      h('a', { href: '#/enrol' }, 'enter an invite code'), '.'),
  );
}
