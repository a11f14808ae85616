// An exercise's dose as a timeline: each rep moves in, holds for exactly
// hold_seconds, and moves out; sets are separated by a rest. Times in ms.

export const MOVE_MS = 1500;
export const REST_DEFAULT_S = 30;
const SETUP_MS = 20000; // getting into position, reading the next exercise

export function shape(dosage = {}) {
  const sets = Math.max(1, dosage.sets || 1);
  const reps = Math.max(1, dosage.reps || 1);
  const holdMs = (dosage.hold_seconds || 0) * 1000;
  const restMs = (dosage.rest_seconds ?? REST_DEFAULT_S) * 1000;
  const repMs = MOVE_MS * 2 + holdMs;
  return { sets, reps, holdMs, restMs, repMs, setMs: repMs * reps };
}

/** Where a set is `elapsed` ms in: the rep (1-based), the phase, the figure's t
 * (0 = start position, 1 = held) and the whole seconds left in a hold. */
export function at(dose, elapsed) {
  const rep = Math.min(dose.reps, Math.floor(elapsed / dose.repMs) + 1);
  const within = Math.min(elapsed - (rep - 1) * dose.repMs, dose.repMs);
  const ease = (x) => 0.5 - Math.cos(Math.PI * Math.min(1, Math.max(0, x))) / 2;
  if (within < MOVE_MS) return { rep, phase: 'in', t: ease(within / MOVE_MS), left: 0 };
  if (within < MOVE_MS + dose.holdMs) {
    const left = Math.ceil((MOVE_MS + dose.holdMs - within) / 1000);
    return { rep, phase: 'hold', t: 1, left };
  }
  return { rep, phase: 'out', t: 1 - ease((within - MOVE_MS - dose.holdMs) / MOVE_MS), left: 0 };
}

/** Estimated minutes for a session's exercises, from their doses. */
export function minutes(exercises) {
  let ms = 0;
  for (const exercise of exercises) {
    const dose = shape(exercise.dosage);
    ms += SETUP_MS + dose.sets * dose.setMs + (dose.sets - 1) * dose.restMs;
  }
  return Math.max(1, Math.round(ms / 60000));
}
