// Incidents of a session or group, newest first, each id once.

export const initialIncidents = { items: [] };

export const KIND_LABELS = {
  distress: "Asked for support",
  breakout: "Breakout",
  removal: "Removal",
  held_message: "Message held",
  breach: "Ground-rule breach",
  left_after_distress: "Left while we were worried",
};

const newestFirst = (a, b) => String(b.occurred_at).localeCompare(String(a.occurred_at));

export function replaceIncidents(state, items) {
  return { ...state, items: [...items].sort(newestFirst) };
}

export function upsertIncident(state, incident) {
  const items = state.items.filter((i) => i.id !== incident.id);
  return { ...state, items: [incident, ...items].sort(newestFirst) };
}
