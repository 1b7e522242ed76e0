// A live session as the client knows it: the server's view replaces ours on every update.

export const initialSession = {
  session: null,     // {id, state, solo_reason, theme, ...}
  me: null,          // {id, name, role, status}
  group: null,       // {name, ground_rules}
  connected: false,
};

export const STATE_LABELS = {
  scheduled: "Scheduled: the lobby is not open yet",
  lobby_open: "Lobby open: people can wait to be admitted",
  live: "Live",
  ended: "Ended",
};

export function applyJoin(state, ack) {
  return { ...state, session: ack.session, me: ack.me, group: ack.group || state.group };
}

export function applySessionState(state, payload) {
  if (!state.session || payload.session_id !== state.session.id) return state;
  return { ...state, session: { ...state.session, state: payload.state, solo_reason: payload.solo_reason } };
}

export function applySession(state, session) {
  return session ? { ...state, session: { ...state.session, ...session } } : state;
}

export function setConnected(state, connected) {
  return state.connected === connected ? state : { ...state, connected };
}

export function setMyStatus(state, status) {
  return state.me ? { ...state, me: { ...state.me, status } } : state;
}

export const isFacilitatorRole = (role) => role === "lead" || role === "co" || role === "standby";
export const canManageLobby = (role) => role === "lead" || role === "co";
export const isLead = (role) => role === "lead";
