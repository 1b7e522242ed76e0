// Pure state of the raise-hand queue (quietest first, as the server orders it).
export const initialHands = { queue: [], taken: null };

export const applyHandsUpdated = (state, payload) => ({ queue: payload.queue, taken: payload.taken });

export const positionOf = (state, memberId) => state.queue.findIndex((hand) => hand.member_id === memberId);

export function ordinal(n) {
  const words = ["first", "second", "third", "fourth", "fifth"];
  return words[n - 1] || `number ${n}`;
}
