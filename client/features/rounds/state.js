// Pure state of a room's round as the server sends it, plus the order being prepared.
export const initialRounds = { round: null, names: {}, offsetMs: 0, draft: null };

export function applyRoundUpdated(state, payload, nowMs) {
  return { ...state, round: payload.round, names: { ...state.names, ...payload.names }, offsetMs: payload.at_ms - nowMs };
}

export const isRunning = (round) => Boolean(round && !round.ended);

/** Seconds left for the person up now, by the server's clock. */
export function secondsLeft(state, nowMs) {
  const r = state.round;
  if (!isRunning(r) || r.current_started_at_ms == null) return null;
  const elapsed = nowMs + state.offsetMs - r.current_started_at_ms;
  return Math.round((r.per_person_ms - elapsed) / 1000);
}

/** Move item `index` by `delta` (-1 up, +1 down) in a list; unchanged at the ends. */
export function moved(list, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= list.length) return list;
  const copy = list.slice();
  [copy[index], copy[to]] = [copy[to], copy[index]];
  return copy;
}

export const KIND_LABELS = { check_in: "Check-in", check_out: "Check-out", custom: "Round" };

export function formatLeft(seconds) {
  if (seconds == null) return "";
  const over = seconds < 0;
  const s = Math.abs(seconds);
  const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return over ? `${text} over` : `${text} left`;
}
