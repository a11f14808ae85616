// Enrolment: a patient makes an account with the therapist's invite code. The
// invite link carries the code, and the name and email the therapist typed, to
// fill the form in; after sign-up a welcome says who the therapist is. A clinic's
// invite (#/join/<code>) makes a therapist of that clinic, who lands on Patients.
import { api, auth } from './api.js';
import { flashNext } from './app.js';
import { clearErrors, field, h, heading, say, showError, statusLine } from './ui.js';

export function render(screen, params, { go }) {
  const colleague = params.as === 'therapist';
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, value: params.name || '' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true, value: params.email || '' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', minlength: '10', required: true });
  const code = h('input', { name: 'invite_code', autocomplete: 'off', required: true, value: params.code || '' });
  const status = statusLine();
  const button = h('button', { type: 'submit' }, 'Create account');
  const form = h('form', { class: 'card narrow', novalidate: true },
    field('Your name', name),
    field('Email', email),
    field('Password', password, 'At least 10 characters; not a common password and not your email address.'),
    field('Invite code', code, colleague ? 'From your clinic\'s invite; the link fills it in.' : 'From your therapist; the link fills it in.'),
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
      if (user.role === 'therapist') {
        const clinic = user.clinic?.name;
        flashNext(`Welcome, ${user.name}. You are now ${user.clinic?.role === 'admin' ? 'an admin' : 'a therapist'}${clinic ? ` at ${clinic}` : ''}: the patients whose care team you join appear here.`);
        go('patients');
        return;
      }
      screen.replaceChildren(...welcome(user));
      screen.querySelector('h1').focus();
    } catch (error) {
      showError(form, status, error);
      button.disabled = false;
    }
  });
  const signedIn = auth.token && auth.user;
  screen.append(...[
    heading(colleague ? 'Join your clinic' : 'Join Kinetic Chain'),
    h('p', { class: 'lead' }, colleague
      ? 'A colleague invited you to their clinic on Kinetic Chain. Create your account to work with the clinic\'s patients, programs and exercises.'
      : 'Your therapist invited you. Create your account to see your exercises and keep your pain diary.'),
    signedIn ? h('p', { class: 'status info' }, `You are signed in as ${auth.user.email}; creating an account here signs you in as the new one.`) : null,
    form,
    h('p', { class: 'narrow' }, 'Already have an account? ', h('a', { href: '#/signin' }, 'Sign in'), '.'),
  ].filter(Boolean));
}

/** The first screen of a new account: who the therapist is and what comes next. */
function welcome(user) {
  const therapist = user.therapist_name || 'your therapist';
  return [
    heading(`Welcome, ${user.name}`),
    h('section', { class: 'card narrow welcome' },
      h('p', { class: 'lead' }, `Your account is ready. Your therapist is ${therapist}.`),
      h('h2', {}, 'What happens next'),
      h('ol', { class: 'next-steps' },
        h('li', {}, `${user.therapist_name || 'Your therapist'} sets up your exercise plan. Your exercises for the day then appear on Today, with a guide that shows each move.`),
        h('li', {}, 'Log your pain once a day, even on good days: it takes a few seconds, and it shows you and your therapist how things change.'),
        h('li', {}, `If you have a question, write to ${therapist} under Messages.`)),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/today' }, 'Go to Today'),
        h('a', { class: 'button secondary', href: '#/reminders' }, 'Set a daily reminder'))),
  ];
}
