// Trigger state, kept apart from effects. Spans carry UTF-16 offsets (start_utf16/end_utf16)
// from the server, which are what JavaScript string indices count.

export const MAX_ALERTS = 50;
export const initialTriggers = { alerts: [], held: [], reminder: null };

export function addAlert(state, alert) {
  if (!alert || state.alerts.some((a) => a.message_id === alert.message_id)) return state;
  return { ...state, alerts: [alert, ...state.alerts].slice(0, MAX_ALERTS) };
}

export function addHeld(state, held) {
  if (!held || state.held.some((m) => m.held_id === held.held_id)) return state;
  return { ...state, held: [...state.held, held] };
}

export function replaceHeld(state, held) {
  return Array.isArray(held) ? { ...state, held: [...held] } : state;
}

export function resolveHeld(state, heldId) {
  const held = state.held.filter((m) => m.held_id !== heldId);
  return held.length === state.held.length ? state : { ...state, held };
}

export function setReminder(state, reminder) {
  return { ...state, reminder };
}

/** Split `text` into [{text, span|null}] pieces by the spans' UTF-16 offsets. */
export function splitBySpans(text, spans) {
  const pieces = [];
  let at = 0;
  const sorted = [...(spans || [])].sort((a, b) => a.start_utf16 - b.start_utf16);
  for (const span of sorted) {
    const start = Math.max(at, span.start_utf16);
    const end = Math.min(text.length, span.end_utf16);
    if (end <= start) continue;
    if (start > at) pieces.push({ text: text.slice(at, start), span: null });
    pieces.push({ text: text.slice(start, end), span });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), span: null });
  return pieces;
}

export const CATEGORY_LABELS = { amount: "amount", brand: "brand", venue: "place" };
export const describeCategories = (categories) => (categories || []).map((c) => CATEGORY_LABELS[c] || c).join(", ");
