// Pure helpers for the peer's first steps: which session to join, pseudonym rules.

export const PSEUDONYM_MAX = 40;

/** The session a peer should join: one whose lobby is open or that is live, else the soonest. */
export function chooseSession(sessions) {
  const list = sessions || [];
  return list.find((s) => s.state === "live" || s.state === "lobby_open") || list[0] || null;
}

export function validatePseudonym(value) {
  const trimmed = value.trim();
  if (!trimmed) return "Please choose a name to use here.";
  if (trimmed.length > PSEUDONYM_MAX) return `Please keep it to ${PSEUDONYM_MAX} characters or fewer.`;
  return null;
}

export const memberTokenKey = (groupId) => `holdspace.member_token.${groupId}`;

export const INVITE_PROBLEMS = {
  invite_invalid: "This invite link doesn't work. Please ask the person who sent it for a new one.",
  invite_expired: "This invite link has expired. Please ask the person who sent it for a new one.",
  invite_revoked: "This invite link is no longer in use. Please ask the person who sent it for a new one.",
};
