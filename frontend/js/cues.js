// What the player does besides drawing: short beeps (Web Audio), spoken cues
// (speech synthesis, off unless switched on; both switches remembered) and
// keeping the screen awake while playing (Screen Wake Lock, where available).

const KEY = 'kc.cues';

export function cues() {
  const settings = { beeps: true, speech: false, ...JSON.parse(localStorage.getItem(KEY) || '{}') };
  let audio = null;
  let lock = null;

  const beep = (frequency = 880, ms = 180) => {
    if (!settings.beeps || !audio) return;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    const start = audio.currentTime;
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + ms / 1000);
    tone.connect(gain).connect(audio.destination);
    tone.start(start);
    tone.stop(start + ms / 1000 + 0.05);
  };

  const say = (text) => {
    if (!settings.speech || !('speechSynthesis' in window)) return;
    speechSynthesis.cancel();
    speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  };

  return {
    settings,
    set(key, value) {
      settings[key] = value;
      localStorage.setItem(KEY, JSON.stringify(settings));
      if (key === 'speech' && !value && 'speechSynthesis' in window) speechSynthesis.cancel();
    },
    /** Audio may only start from a tap: called when the patient presses Start. */
    unlock() {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) {
        try { audio = new Context(); } catch { audio = null; }
      }
      audio?.resume?.().catch(() => {});
    },
    beep,
    say,
    cue(text, frequency) {
      beep(frequency);
      say(text);
    },
    async wake() {
      if (lock || !navigator.wakeLock) return;
      try {
        lock = await navigator.wakeLock.request('screen');
        lock.addEventListener('release', () => { lock = null; });
      } catch {
        lock = null; // refused (e.g. battery saver): the timer works anyway
      }
    },
    sleep() {
      lock?.release().catch(() => {});
      lock = null;
    },
  };
}
