// The hand queue: staff see it in order with take / move up / move down / lower; a peer has a
// "Raise hand" button and sees their place.
import { h, mount } from "../../lib/dom.js";
import { positionOf, ordinal } from "./state.js";

export function createHandsPanel({ onTake, onMove, onLower }) {
  const list = h("ol", { class: "plain", "data-testid": "hand-queue" });
  const taken = h("p", { role: "status", "aria-live": "polite" });
  const take = h("button", { type: "button", onclick: onTake }, "Invite the next person");
  const el = h("section", { class: "card stack", "aria-labelledby": "hands-h" },
    h("h2", { id: "hands-h" }, "Raised hands"),
    h("p", { class: "hint" }, "Quietest first; a hand you move stays where you put it."), list, take, taken);
  function render(state) {
    take.disabled = state.queue.length === 0;
    mount(list, state.queue.length ? state.queue.map((hand, i) => h("li", { class: "row" },
      h("span", { class: "row-grow" }, hand.name || "Someone", hand.pinned ? " (moved)" : ""),
      h("button", { type: "button", class: "small secondary", disabled: i === 0, "aria-label": `Move ${hand.name} up`, onclick: () => onMove(hand.member_id, i - 1) }, "↑"),
      h("button", { type: "button", class: "small secondary", disabled: i === state.queue.length - 1, "aria-label": `Move ${hand.name} down`, onclick: () => onMove(hand.member_id, i + 1) }, "↓"),
      h("button", { type: "button", class: "small secondary", "aria-label": `Lower ${hand.name}'s hand`, onclick: () => onLower(hand.member_id) }, "Lower"))) : h("li", { class: "hint" }, "No hands raised."));
    taken.textContent = state.taken ? "Invited to speak; their hand is down." : "";
  }
  return { el, render };
}

export function createRaiseHand({ onRaise, onLower }) {
  const button = h("button", { type: "button", "data-testid": "raise-hand" });
  const place = h("span", { class: "hint", role: "status", "aria-live": "polite" });
  const el = h("div", { class: "row" }, button, place);
  let raised = false;
  button.addEventListener("click", () => (raised ? onLower() : onRaise()));
  function render(state, meId) {
    const pos = positionOf(state, meId);
    raised = pos >= 0;
    button.textContent = raised ? "Lower hand" : "Raise hand";
    button.setAttribute("aria-pressed", raised ? "true" : "false");
    place.textContent = raised ? `Your hand is up — you're ${ordinal(pos + 1)} in the queue.` : meId && state.taken === meId ? "The facilitator has invited you to speak." : "";
  }
  render({ queue: [], taken: null }, null);
  return { el, render };
}
