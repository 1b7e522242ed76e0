// Chat messages of the room, oldest first, each id once.

export const MAX_MESSAGES = 500;
export const MAX_TEXT_LENGTH = 2000;

export const initialChat = { messages: [] };

export function addMessage(state, message) {
  if (!message || state.messages.some((m) => m.id === message.id)) return state;
  const messages = [...state.messages, message].sort((a, b) => (a.at_ms || 0) - (b.at_ms || 0));
  return { ...state, messages: messages.slice(-MAX_MESSAGES) };
}

export function replaceFromSnapshot(state, snapshot) {
  if (!snapshot || !Array.isArray(snapshot.chat)) return state;
  let next = { ...state, messages: [] };
  for (const message of snapshot.chat) next = addMessage(next, message);
  return next;
}

/** Returns a message a person can act on, or null when the text may be sent. */
export function validateText(text) {
  const trimmed = text.trim();
  if (!trimmed) return "Write a message first.";
  if (trimmed.length > MAX_TEXT_LENGTH) return `Messages can be up to ${MAX_TEXT_LENGTH} characters.`;
  return null;
}
