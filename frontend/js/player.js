// The session player: one exercise at a time, its figure moving in time with the
// dose, hold and rest timers, sounds, feedback after each exercise and "Stop: this
// hurts". Progress is kept on the phone (localStorage) so a reload resumes; the
// completion goes through the offline queue like any other.
import { api, submit, uuid } from './api.js';
import { at, shape } from './dose.js';
import { mountFigure, mountStills } from './figure.js';
import { addDays, choiceButtons, dosage, formatDay, h, heading, isoDay, say, scoreButtons, statusLine } from './ui.js';
import { cues } from './cues.js';

const stateKey = (id) => `kc.player.${id}`;
const cautionKey = (session, slug) => `kc.cautions.${session.assignment_id}.${slug}`;
const REGION_CHOICES = [['low_back', 'Low back'], ['neck', 'Neck'], ['headache', 'Head']];
const EFFORTS = [['too_easy', 'Too easy'], ['right', 'About right'], ['too_hard', 'Too hard']];
const THANKS = 'Thank you — every bit counts.';
const FINISHED = { done: 'This session is finished. Well done!', partly_done: `This session is finished. ${THANKS}` };

export async function render(screen, sessionId) {
  const status = statusLine();
  screen.classList.add('screen-player');
  let session;
  try {
    const today = await api('/me/today');
    session = today.sessions.find((s) => String(s.id) === String(sessionId));
  } catch (error) {
    screen.append(heading('Session'), status);
    say(status, error.message, 'error');
    return;
  }
  if (!session || FINISHED[session.status]) {
    screen.append(heading('Session'), h('p', { class: 'card' },
      session ? FINISHED[session.status] : 'This session is not on today’s plan.',
      ' ', h('a', { href: '#/today' }, 'Back to Today')));
    return;
  }
  new Player(screen, session).start();
}

class Player {
  constructor(screen, session) {
    this.screen = screen;
    this.session = session;
    this.exercises = session.exercises;
    const saved = JSON.parse(localStorage.getItem(stateKey(session.id)) || 'null');
    this.state = saved?.v === 1 ? saved : { v: 1, index: 0, stage: 'ready', set: 1, elapsed: 0, results: {} };
    this.playing = false;
    this.cues = cues();
    this.reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.advice = null;
    api('/safety/checklist').then((data) => { this.advice = data.exercise_pain; }, () => {});
  }

  start() {
    this.live = h('p', { class: 'sr-only', 'aria-live': 'assertive' });
    this.root = h('div', { class: 'player' });
    this.screen.append(this.root, this.live);
    const leave = () => { this.stop(); window.removeEventListener('hashchange', leave); };
    window.addEventListener('hashchange', leave);
    document.addEventListener('visibilitychange', () => {
      if (this.playing && document.visibilityState === 'visible') this.cues.wake();
    });
    this.draw();
  }

  get exercise() { return this.exercises[this.state.index]; }
  get dose() { return shape(this.exercise?.dosage); }
  get result() {
    const slug = this.exercise.slug;
    this.state.results[slug] ||= { sets_done: 0, reps_done: 0, seconds: 0 };
    return this.state.results[slug];
  }

  save() {
    this.state.elapsed = this.elapsed();
    localStorage.setItem(stateKey(this.session.id), JSON.stringify(this.state));
  }

  elapsed() { return this.playing ? Date.now() - this.base : this.state.elapsed; }

  play() {
    this.base = Date.now() - this.state.elapsed;
    this.playing = true;
    this.cues.wake();
    this.drawControls();
    // Every phase starts on a quarter second: the interval keeps the timers and
    // beeps exact (and running when frames are not drawn); frames move the figure.
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 250);
    cancelAnimationFrame(this.frame);
    this.loop();
  }

  pause() {
    if (!this.playing) return;
    this.state.elapsed = this.elapsed();
    this.playing = false;
    clearInterval(this.timer);
    cancelAnimationFrame(this.frame);
    this.cues.sleep();
    this.save();
    this.drawControls();
    this.tick();
  }

  stop() {
    this.pause();
    this.root.remove();
  }

  loop() {
    if (!this.playing) return;
    if (!this.root.isConnected) { this.stop(); return; }
    this.tick();
    this.frame = requestAnimationFrame(() => this.loop());
  }

  /** Moves the figure and the timers to where the clock says; changes stage at
   * the end of a set or a rest. */
  tick() {
    if (!this.playing) clearInterval(this.timer);
    const { stage } = this.state;
    const elapsed = this.elapsed();
    const dose = this.dose;
    if (stage === 'work') {
      if (this.playing && elapsed >= dose.setMs) { this.endSet(); return; }
      const now = at(dose, elapsed);
      this.figure?.pose?.(now.t);
      this.showWork(now, dose);
    } else if (stage === 'rest') {
      const left = Math.ceil((dose.restMs - elapsed) / 1000);
      if (this.playing && left <= 0) { this.nextSet(); return; }
      this.show('Rest', String(left), `Next: set ${this.state.set + 1} of ${dose.sets}`);
    }
    const second = Math.floor(elapsed / 1000);
    if (second !== this.second) { this.second = second; if (this.playing) this.save(); }
  }

  showWork(now, dose) {
    const words = { in: 'Move into position', hold: 'Hold', out: dose.holdMs ? 'Release' : 'Back to start' };
    const count = now.phase === 'hold' ? String(now.left) : '';
    const reps = dose.reps > 1 ? ` · Rep ${now.rep} of ${dose.reps}` : '';
    this.show(words[now.phase], count, `Set ${this.state.set} of ${dose.sets}${reps}`);
    const key = `${this.state.set}.${now.rep}.${now.phase}`;
    if (this.playing && key !== this.lastKey) {
      if (now.phase === 'hold') this.cues.cue('Hold', 880);
      else if (now.phase === 'out' && this.lastKey?.endsWith('hold')) this.cues.cue('And release', 660);
      else if (now.phase === 'in' && now.rep > 1) this.cues.say(String(now.rep));
    }
    this.lastKey = key;
  }

  show(phase, count, where) {
    if (this.phaseEl.textContent !== phase) {
      this.phaseEl.textContent = phase;
      if (this.playing) this.live.textContent = phase === 'Hold' ? `Hold for ${count} seconds` : phase;
    }
    if (this.countEl.textContent !== count) this.countEl.textContent = count;
    if (this.whereEl.textContent !== where) this.whereEl.textContent = where;
  }

  // -- moving through the session ---------------------------------------------------

  go(stage, changes = {}) {
    this.playing = false; // a new stage starts its own clock at 0; callers play()
    Object.assign(this.state, { stage, elapsed: 0 }, changes);
    this.lastKey = null;
    this.save();
    this.draw();
  }

  begin() {
    this.cues.unlock();
    this.result.skipped = false;
    this.go('work', { set: 1 });
    this.cues.say(`${this.exercise.name}. Set 1 of ${this.dose.sets}`);
    this.play();
  }

  /** Adds what the current set got to: the set itself only when finished, its
   * finished reps and whole seconds either way (never rounded up). */
  countSet() {
    const dose = this.dose;
    const result = this.result;
    const elapsed = Math.min(this.elapsed(), dose.setMs);
    const reps = Math.min(dose.reps, Math.floor(elapsed / dose.repMs));
    if (reps >= dose.reps) result.sets_done += 1;
    result.reps_done += reps;
    result.seconds += Math.floor(elapsed / 1000);
  }

  endSet() {
    const dose = this.dose;
    const result = this.result;
    this.countSet();
    this.cues.beep(520);
    if (this.state.set < dose.sets) {
      this.go('rest');
      this.cues.say(`Rest ${Math.round(dose.restMs / 1000)} seconds`);
      this.play();
    } else {
      this.playing = false;
      this.cues.sleep();
      this.go('feedback');
      this.cues.say(result.sets_done >= dose.sets ? 'Well done. How did it go?' : 'How did it go?');
    }
  }

  nextSet() {
    this.go('work', { set: this.state.set + 1 });
    this.cues.say(`Set ${this.state.set}`);
    this.play();
  }

  next() {
    const { stage } = this.state;
    if (stage === 'ready') return this.begin();
    if (stage === 'work') {
      this.state.elapsed = this.elapsed(); // moving on mid-set: what it got to
      this.playing = false;
      return this.endSet();
    }
    if (stage === 'rest') { this.playing = false; return this.nextSet(); }
    return this.toExercise(this.state.index + 1);
  }

  skip() {
    // Skipping past an exercise already done in full (after Back) leaves it done.
    if (this.result.sets_done < this.dose.sets) this.result.skipped = true;
    this.toExercise(this.state.index + 1);
  }

  toExercise(index) {
    if (this.state.stage === 'work') { // left mid-set (Skip, Back, ending it)
      this.state.elapsed = this.elapsed();
      this.countSet();
    }
    this.playing = false;
    this.cues.sleep();
    if (index >= this.exercises.length) return this.go('summary');
    return this.go('ready', { index, set: 1 });
  }

  // -- drawing ------------------------------------------------------------------------

  draw() {
    this.figure?.destroy?.();
    this.figure = null;
    if (this.state.stage === 'summary') return this.drawSummary();
    const exercise = this.exercise;
    const { stage } = this.state;
    const total = this.exercises.length;
    this.phaseEl = h('p', { class: 'phase' });
    this.countEl = h('p', { class: 'count', role: 'timer', 'aria-label': 'Seconds left' });
    this.whereEl = h('p', { class: 'where' });
    const art = h('div', { class: 'art' });
    this.controls = h('div', { class: 'controls' });
    // Cautions to confirm come before the figure, so they and their button are
    // on the first screen of a phone; the controls stick to its bottom.
    const panel = this.stagePanel(stage);
    const cautions = panel?.classList.contains('caution');
    this.root.replaceChildren(...[
      h('p', { class: 'lead' }, `Exercise ${this.state.index + 1} of ${total} · ${this.session.program_title || this.session.program}`),
      h('progress', { max: String(total), value: String(this.state.index), 'aria-label': 'Exercises done' }),
      heading(exercise.name),
      h('p', { class: 'dose' }, dosage(exercise.dosage)),
      exercise.note ? h('p', { class: 'note' }, h('strong', {}, 'From your therapist: '), exercise.note) : null,
      cautions ? panel : null,
      art,
      h('div', { class: 'clock' }, this.phaseEl, this.countEl, this.whereEl),
      cautions ? null : panel,
      this.controls,
      stage === 'feedback' ? null : h('button', { type: 'button', class: 'hurt', onclick: () => this.hurt() }, 'Stop: this hurts'),
      this.howTo(exercise),
      this.settings(),
      h('p', {}, h('a', { href: '#/today' }, 'Leave the player'), h('span', { class: 'hint' }, ' (your progress is kept)')),
    ].filter(Boolean));
    if (exercise.drawing) {
      this.figure = this.reduced
        ? mountStills(art, exercise, { title: exercise.name })
        : mountFigure(art, exercise, { title: exercise.name });
      this.figure?.pose?.(0);
    } else {
      art.remove();
    }
    this.drawControls();
    if (stage === 'ready') this.show('Ready', '', `${this.dose.sets} ${this.dose.sets === 1 ? 'set' : 'sets'}`);
    else if (stage === 'feedback') {
      const full = this.result.sets_done >= this.dose.sets;
      this.show(full ? 'Done' : 'Ended early', '', `${this.result.sets_done} of ${this.dose.sets} sets`);
    }
    else this.tick();
    this.focusTop();
  }

  focusTop() {
    window.scrollTo(0, 0);
    this.root.querySelector('h1').focus({ preventScroll: true });
  }

  stagePanel(stage) {
    const exercise = this.exercise;
    if (stage === 'ready' && exercise.cautions?.length && !localStorage.getItem(cautionKey(this.session, exercise.slug))) {
      const read = h('button', { type: 'button' }, 'I have read these');
      read.addEventListener('click', () => {
        localStorage.setItem(cautionKey(this.session, exercise.slug), '1');
        this.draw();
      });
      return h('section', { class: 'caution', 'aria-labelledby': 'caution-title' },
        h('h2', { id: 'caution-title' }, 'Before your first set'),
        h('ul', {}, exercise.cautions.map((text) => h('li', {}, text))), read);
    }
    if (stage === 'feedback') return this.feedbackPanel();
    return null;
  }

  feedbackPanel() {
    const result = this.result;
    const pain = scoreButtons('Pain during this exercise', 'pain', { none: 'Rather not say' });
    const effort = choiceButtons('How hard was it?', EFFORTS);
    pain.set(result.pain ?? null);
    effort.set(result.effort || null);
    const panel = h('section', { class: 'card feedback', 'aria-labelledby': 'feedback-title' },
      h('h2', { id: 'feedback-title' }, 'How did it go?'),
      h('p', { class: 'hint' }, 'Optional: your therapist sees this. 0 = no pain, 10 = worst imaginable.'),
      pain.group, effort.group);
    panel.addEventListener('change', () => {
      result.pain = pain.value();
      result.effort = effort.value();
      this.save();
    });
    return panel;
  }

  drawControls() {
    const { stage, index } = this.state;
    const button = (label, action, { disabled = false, primary = false } = {}) => h('button', {
      type: 'button', class: primary ? 'primary' : 'secondary', disabled, onclick: action,
    }, label);
    const locked = stage === 'ready' && this.exercise.cautions?.length && !localStorage.getItem(cautionKey(this.session, this.exercise.slug));
    let toggle;
    if (stage === 'ready') toggle = button('Start', () => this.begin(), { disabled: locked, primary: true });
    else if (stage === 'feedback') toggle = button(index + 1 < this.exercises.length ? 'Next exercise' : 'Finish', () => this.next(), { primary: true });
    else toggle = this.playing ? button('Pause', () => this.pause(), { primary: true }) : button('Resume', () => this.play(), { primary: true });
    this.controls.replaceChildren(
      button('Back', () => this.toExercise(Math.max(0, index - 1)), { disabled: index === 0 }),
      toggle,
      button('Next', () => this.next(), { disabled: locked || stage === 'feedback' }),
      button('Skip', () => this.skip(), { disabled: stage === 'feedback' }),
    );
  }

  howTo(exercise) {
    const confirmed = exercise.cautions?.length && localStorage.getItem(cautionKey(this.session, exercise.slug));
    return h('div', { class: 'how-to' },
      h('details', { class: 'how' },
        h('summary', {}, `Steps and tips (${exercise.instructions.length} steps)`),
        h('ol', { class: 'steps' }, exercise.instructions.map((text) => h('li', {}, text))),
        exercise.cues?.length ? [h('h2', { class: 'minor' }, 'Tips'), h('ul', { class: 'cues' }, exercise.cues.map((text) => h('li', {}, text)))] : null),
      confirmed ? h('details', { class: 'how' },
        h('summary', {}, 'Cautions'),
        h('ul', {}, exercise.cautions.map((text) => h('li', {}, text)))) : null);
  }

  settings() {
    const toggle = (label, key) => {
      const input = h('input', { type: 'checkbox', class: 'tick', id: `set-${key}`, checked: this.cues.settings[key] });
      input.addEventListener('change', () => this.cues.set(key, input.checked));
      return h('div', { class: 'tick-row' }, input, h('label', { for: input.id }, label));
    };
    return h('div', { class: 'settings' }, toggle('Beeps at the start and end of a hold', 'beeps'), toggle('Spoken cues', 'speech'));
  }

  /** What became of an exercise: done in full (every prescribed set, not
   * skipped), done in part, or skipped (or never started); the server's rule. */
  outcome(exercise) {
    const result = this.state.results[exercise.slug];
    const started = result && (result.sets_done || result.reps_done || result.seconds);
    // Stopped with "Stop: this hurts" reads as that, not as skipped, so the list
    // agrees with the pain line under it.
    const ended = result?.hurt != null ? 'stopped: it hurt' : 'stopped early';
    if (!started || result.skipped) return { full: false, text: result?.hurt != null ? ended : 'skipped' };
    const sets = shape(exercise.dosage).sets;
    const done = result.sets_done;
    if (done >= sets) return { full: true, text: `${done} ${done === 1 ? 'set' : 'sets'}` };
    return { full: false, text: `${done} of ${sets} sets · ${ended}` };
  }

  /** "All 6 exercises done" or "4 of 6 exercises done". */
  tally() {
    const total = this.exercises.length;
    const full = this.exercises.filter((e) => this.outcome(e).full).length;
    return { all: full === total, text: full === total ? `All ${total} exercises done` : `${full} of ${total} exercises done` };
  }

  drawSummary() {
    const tally = this.tally();
    const status = statusLine();
    const finish = h('button', { type: 'button' }, 'Finish session');
    finish.addEventListener('click', () => this.finish(finish, status));
    this.root.replaceChildren(
      heading(tally.all ? 'Session done' : 'End of the session'),
      h('section', { class: 'card summary' },
        h('p', { class: 'lead' }, `${tally.text}.`),
        h('ul', { class: 'entries' }, this.exercises.map((e) => h('li', {}, h('span', {}, e.name),
          h('span', { class: 'when' }, this.outcome(e).text)))),
        status, finish),
      h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => this.toExercise(this.exercises.length - 1) }, 'Back to the last exercise')),
    );
    this.focusTop();
  }

  /** The completion as sent: each exercise with its real counts; one never
   * started, or skipped, is `skipped` (with what was done before skipping). */
  body() {
    const exercises = this.exercises.map((e) => {
      const result = this.state.results[e.slug];
      const started = result && (result.sets_done || result.reps_done || result.seconds);
      if (!started) return { exercise: e.slug, skipped: true };
      const item = { exercise: e.slug, skipped: !!result.skipped };
      for (const key of ['sets_done', 'reps_done', 'seconds', 'pain', 'effort']) if (result[key] != null) item[key] = result[key];
      return item;
    });
    const pains = exercises.map((e) => e.pain).filter((p) => p != null);
    return { exercises, ...(pains.length ? { pain_during: Math.max(...pains) } : {}) };
  }

  /** "About 6 minutes of exercise": the seconds counted in sets, rests left out. */
  minutes() {
    const seconds = this.exercises.reduce((sum, e) => sum + (this.state.results[e.slug]?.seconds || 0), 0);
    if (seconds < 60) return 'Under a minute of exercise';
    const n = Math.round(seconds / 60);
    return `About ${n} ${n === 1 ? 'minute' : 'minutes'} of exercise`;
  }

  /** The pain reported in this session, or that none was. */
  painLine() {
    const reports = this.exercises.flatMap((e) => {
      const r = this.state.results[e.slug] || {};
      const worst = Math.max(r.pain ?? -1, r.hurt ?? -1);
      return worst >= 0 ? [`${e.name} ${worst}/10${r.hurt != null ? ' (you stopped it)' : ''}`] : [];
    });
    return h('p', {}, reports.length
      ? `Pain you reported: ${reports.join(', ')}. Your therapist sees this.`
      : 'You reported no pain during the exercises.');
  }

  /** The next pending session after this one, from the schedule (two weeks ahead). */
  async showNext(el) {
    const from = isoDay();
    try {
      const sessions = await api(`/me/sessions?from=${from}&to=${addDays(from, 14)}`);
      const next = sessions
        .filter((s) => s.status === 'pending' && s.id !== this.session.id)
        .sort((a, b) => a.date.localeCompare(b.date) || a.slot - b.slot)[0];
      el.replaceChildren(next
        ? `Your next session: ${next.date === from ? 'later today' : next.date === addDays(from, 1) ? 'tomorrow' : `on ${formatDay(next.date)}`} (${next.program_title || next.program}).`
        : 'No more sessions are planned in the next two weeks; your therapist will set the next ones.');
    } catch {
      el.remove(); // offline: Today shows it when back online
    }
  }

  async finish(button, status) {
    button.disabled = true;
    const tally = this.tally();
    try {
      const result = await submit(`session-${this.session.id}`, `/sessions/${this.session.id}/complete`, this.body(), 'Session');
      localStorage.removeItem(stateKey(this.session.id));
      const next = h('p', { class: 'next-session' });
      this.root.replaceChildren(heading(tally.all ? 'Well done!' : 'Thank you'),
        h('section', { class: 'card summary' },
          h('p', { class: 'lead' }, tally.all
            ? 'You did every exercise. Moving a little, often, is what helps most: be proud of this one.'
            : `${THANKS} Your therapist sees which exercises were skipped or stopped early, and can adjust your plan.`),
          h('p', { class: 'status ok', role: 'status' }, result.queued
            ? 'Saved on this phone; it will be sent when you are back online.'
            : 'Saved. Your therapist can see how it went.'),
          h('h2', {}, 'What you did'),
          h('p', {}, `${tally.text}. ${this.minutes()}.`),
          h('ul', { class: 'done-list' }, this.exercises.map((e) => h('li', {}, h('span', {}, e.name), h('span', { class: 'when' }, this.outcome(e).text)))),
          this.painLine(),
          next,
          // Kept at the bottom of the screen while the summary is read: the way
          // out is never below the fold.
          h('div', { class: 'action-bar' }, h('a', { class: 'button', href: '#/today' }, 'Back to Today'))));
      this.focusTop();
      this.showNext(next);
    } catch (error) {
      if (error.status === 409 && error.session) { // another device finished it first
        localStorage.removeItem(stateKey(this.session.id));
        this.root.replaceChildren(heading('Already finished'),
          h('section', { class: 'card summary' }, h('p', { class: 'status info', role: 'status' }, error.message)),
          h('p', {}, h('a', { class: 'button', href: '#/today' }, 'Back to Today')));
        this.focusTop();
        return;
      }
      say(status, error.message, 'error');
      button.disabled = false;
    }
  }

  // -- "Stop: this hurts" -------------------------------------------------------------

  hurt() {
    this.pause();
    const exercise = this.exercise;
    const where = choiceButtons('Where does it hurt?', REGION_CHOICES);
    where.set(exercise.regions?.[0] || 'low_back');
    const much = scoreButtons('How much does it hurt?', 'hurt', { none: null });
    const status = statusLine();
    const save = h('button', { type: 'submit' }, 'Record it');
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Back to the exercise');
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: 'hurt-title' }, `Stop: ${exercise.name} hurts`),
      h('p', { class: 'hint' }, '0 = no pain, 10 = worst imaginable.'),
      where.group, much.group, status, save, cancel);
    const dialog = h('dialog', { class: 'hurt-dialog', 'aria-labelledby': 'hurt-title' }, form);
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => dialog.remove());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const score = much.value();
      if (score === null) { say(status, 'Choose how much it hurts, 0 to 10.', 'error'); much.focus(); return; }
      save.disabled = true;
      const body = {
        client_id: uuid(), recorded_at: new Date().toISOString(), [where.value()]: score,
        session_id: this.session.id, exercise: exercise.slug,
      };
      try {
        const result = await submit(body.client_id, '/me/pain', body, 'Pain entry');
        this.result.hurt = Math.max(score, this.result.hurt ?? 0); // for the end screen
        this.save();
        this.afterHurt(dialog, result.data?.advice || this.offlineAdvice(score));
      } catch (error) {
        say(status, error.message, 'error');
        save.disabled = false;
      }
    });
    this.screen.append(dialog);
    dialog.showModal();
  }

  offlineAdvice(score) {
    if (!this.advice) return [{ level: 'caution', text: 'Stop this exercise for now and rest in a comfortable position.' }];
    return [{ level: 'caution', text: score >= this.advice.score ? this.advice.advice : this.advice.stop_advice }];
  }

  afterHurt(dialog, advice) {
    const skip = h('button', { type: 'button' }, 'Skip this exercise');
    const end = h('button', { type: 'button', class: 'secondary' }, 'End the session');
    skip.addEventListener('click', () => { dialog.close(); this.skip(); });
    end.addEventListener('click', () => {
      dialog.close();
      this.result.skipped = true;
      this.toExercise(this.exercises.length);
    });
    const box = h('section', { role: 'alert', class: 'hurt-advice' },
      h('h2', { id: 'hurt-title' }, 'Recorded. Please stop this exercise.'),
      advice.map((item) => h('p', { class: item.level === 'urgent' ? 'note urgent' : 'note' }, item.text)));
    dialog.replaceChildren(box, h('div', { class: 'actions stack' }, skip, end));
    skip.focus();
  }
}
