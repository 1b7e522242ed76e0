// Who leads, every facilitator seat (facilitators only), and whether the session is paused.

export const initialLeadership = {
  leadId: null,
  paused: false,
  holding: null,        // the holding message peers see while paused
  facilitators: [],     // [{id, name, role, connected}]
  announcement: null,   // "Cory is now leading the session."
};

export function applyJoinAck(state, ack) {
  const l = ack.leadership || {};
  return {
    ...state, leadId: l.lead_id ?? state.leadId, paused: Boolean(l.paused),
    holding: l.paused ? state.holding : null, facilitators: ack.facilitators || state.facilitators,
  };
}

export function applyLeadChanged(state, payload) {
  const announcement = payload.reason === "joined" ? state.announcement : `${payload.lead_name} is now leading the session.`;
  return { ...state, leadId: payload.lead_id, announcement };
}

export function applyFacilitators(state, payload) {
  return { ...state, leadId: payload.lead_id, paused: payload.paused, facilitators: payload.facilitators || [] };
}

export const applyPaused = (state, payload) => ({ ...state, paused: true, holding: payload.message });
export const applyResumed = (state) => ({ ...state, paused: false, holding: null });

/** My current role as the seats say (after a handover, promotion or appearing). */
export function myRole(state, meId, fallback) {
  const seat = state.facilitators.find((f) => f.id === meId);
  return seat ? seat.role : fallback;
}

export const handOverTargets = (state, meId) => state.facilitators.filter((f) => f.id !== meId && f.connected);
