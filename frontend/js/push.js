// Web Push on this device: asking for permission (only when the patient switches
// reminders on), subscribing with the server's VAPID key, keeping the server's
// copy current, and forgetting the subscription at sign-out.
import { api } from './api.js';

export const isIos = () => /iPad|iPhone|iPod/.test(navigator.userAgent)
  || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);

export const isStandalone = () => window.matchMedia('(display-mode: standalone)').matches
  || navigator.standalone === true;

/** 'supported', or why not: 'ios-home-screen' (Safari only offers push to apps
 * added to the Home Screen, iOS 16.4+) or 'unsupported'. */
export function pushSupport() {
  const can = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  if (can) return 'supported';
  return isIos() && !isStandalone() ? 'ios-home-screen' : 'unsupported';
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function sameKey(buffer, bytes) {
  if (!buffer) return false;
  const have = new Uint8Array(buffer);
  return have.length === bytes.length && have.every((b, i) => b === bytes[i]);
}

async function registration() {
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no service worker')), 10000));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

/** Subscribes this device and tells the server. Resolves to 'on', 'denied',
 * 'failed' or what pushSupport() says. Prompts only if permission is undecided. */
export async function enablePush() {
  const support = pushSupport();
  if (support !== 'supported') return support;
  let permission = Notification.permission;
  if (permission === 'default') permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  try {
    const reg = await registration();
    const { public_key: publicKey } = await api('/push/public-key');
    const key = keyBytes(publicKey);
    let subscription = await reg.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
      await subscription.unsubscribe(); // made for another server key
      subscription = null;
    }
    subscription ||= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    await api('/me/push-subscriptions', { method: 'POST', body: subscription.toJSON() });
    return 'on';
  } catch {
    return 'failed';
  }
}

/** On start: if this device is already subscribed and allowed, send the
 * subscription again (the server may have dropped it, or it may have changed). */
export async function refreshPush() {
  if (pushSupport() !== 'supported' || Notification.permission !== 'granted') return;
  try {
    const reg = await registration();
    const subscription = await reg.pushManager.getSubscription();
    if (subscription) await api('/me/push-subscriptions', { method: 'POST', body: subscription.toJSON() });
  } catch { /* offline: next start */ }
}

/** At sign-out: the next person on this phone must not get these reminders. */
export async function forgetPush() {
  if (pushSupport() !== 'supported') return;
  try {
    const reg = await registration();
    const subscription = await reg.pushManager.getSubscription();
    if (!subscription) return;
    await api('/me/push-subscriptions', { method: 'DELETE', body: { endpoint: subscription.endpoint } }).catch(() => {});
    await subscription.unsubscribe();
  } catch { /* nothing subscribed */ }
}
