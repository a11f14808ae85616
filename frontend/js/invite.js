import qrcode from '/vendor/qrcode.mjs';
import { api } from './api.js';
import { clearErrors, field, formatTime, h, heading, say, showError, statusLine } from './ui.js';

export function render(screen) {
  const name = h('input', { name: 'name', autocomplete: 'off' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'off' });
  const status = statusLine();
  const result = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Create invite');
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('p', {}, 'A code enrols one patient, once. Name and email are optional and only help you remember who it was for.'),
    field('Patient name (optional)', name),
    field('Patient email (optional)', email),
    status, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {};
    if (name.value.trim()) body.name = name.value.trim();
    if (email.value.trim()) body.email = email.value.trim();
    button.disabled = true;
    try {
      const invite = await api('/invites', { method: 'POST', body });
      say(status, '');
      result.replaceChildren(inviteCard(invite));
      result.scrollIntoView({ block: 'nearest' });
      form.reset();
    } catch (error) {
      showError(form, status, error);
    }
    button.disabled = false;
  });
  screen.append(heading('Invite a patient'), h('div', { class: 'columns even' }, form, result),
    h('p', {}, h('a', { href: '#/patients' }, 'Back to patients')));
}

/** The invite made: its code, the link with a Copy button, and a QR code of the
 * link. A patient's link opens enrolment; a clinic's (`link` given) the join screen. */
export function inviteCard(invite, { link, title, scan } = {}) {
  // The name and email the therapist typed ride along to fill the new account's form in.
  if (!link) {
    const query = new URLSearchParams({ code: invite.code });
    if (invite.name) query.set('name', invite.name);
    if (invite.email) query.set('email', invite.email);
    link = `${location.origin}/#/enrol?${query}`;
  }
  const qr = qrcode(0, 'M');
  qr.addData(link);
  qr.make();
  const picture = h('img', {
    class: 'qr', src: qr.createDataURL(6, 24), width: '240', height: '240',
    alt: link.includes('/join/') ? 'QR code of the join link' : 'QR code of the enrolment link',
  });
  const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy link');
  const copied = statusLine();
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      say(copied, 'Link copied.', 'ok');
    } catch {
      say(copied, 'Copying is not allowed here; select the link and copy it.', 'error');
    }
  });
  return h('section', { class: 'card invite narrow' },
    h('h2', {}, title || (invite.name ? `Invite for ${invite.name}` : 'Invite created')),
    h('p', {}, 'Invite code: ', h('strong', { class: 'code' }, invite.code)),
    h('p', {}, link.includes('/join/') ? 'Join link: ' : 'Enrolment link: ', h('a', { class: 'enrol-link', href: link }, link)),
    copy, copied,
    picture,
    h('p', { class: 'hint' }, `${scan || 'The patient scans the code with their phone camera.'} Valid until ${formatTime(invite.expires_at)}.`));
}
