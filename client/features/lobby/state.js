// The lobby: who is waiting (facilitators) and where a peer stands (peers).

export const initialLobby = { waiting: [] };

export function applyLobbyUpdated(state, payload) {
  const waiting = [...(payload.waiting || [])].sort((a, b) => (a.since_ms || 0) - (b.since_ms || 0));
  return { ...state, waiting };
}

export function describeWaitingSince(sinceMs, nowMs) {
  const minutes = Math.max(0, Math.floor((nowMs - sinceMs) / 60000));
  return minutes < 1 ? "just arrived" : `waiting ${minutes} min`;
}

/** Peer screens, decided from the server's status for this member. */
export function peerScreenForStatus(status, sessionState) {
  if (sessionState === "ended") return "ended";
  switch (status) {
    case "admitted": return "room";
    case "waiting": return "waiting";
    case "declined": return "declined";
    case "removed": return "removed";
    case "rules_accepted": return "rules";
    default: return "rules";
  }
}
