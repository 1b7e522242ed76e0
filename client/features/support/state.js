// Console alerts: support requests and follow-up prompts, newest first, one per incident.

export const initialAlerts = { items: [] };

export function addAlert(state, kind, payload) {
  const key = `${kind}:${payload.incident_id}`;
  const rest = state.items.filter((item) => item.key !== key);
  return { ...state, items: [{ key, kind, ...payload }, ...rest] };
}

export function dismissAlert(state, key) {
  const items = state.items.filter((item) => item.key !== key);
  return items.length === state.items.length ? state : { ...state, items };
}
