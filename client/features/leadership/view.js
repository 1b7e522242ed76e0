// Leadership views: the facilitators' panel (hand over, appear) and the peers' holding message.
import { h, mount } from "../../lib/dom.js";
import { ROLE_LABELS } from "../room/state.js";
import { handOverTargets } from "./state.js";

export function createLeadershipPanel({ onHandOver, onAppear }) {
  const body = h("div", { class: "stack" });
  const el = h("section", { class: "card", "aria-labelledby": "leadership-heading", "data-testid": "leadership" },
    h("h2", { id: "leadership-heading" }, "Facilitators"), body);
  function render(state, { meId, role }) {
    const seats = h("ul", { class: "plain" }, state.facilitators.map((f) => h("li", { class: "row" },
      h("span", {}, f.name, f.id === meId ? " (you)" : ""),
      h("span", { class: "badge badge-staff" }, ROLE_LABELS[f.role] || f.role),
      f.connected ? null : h("span", { class: "hint" }, "not connected"),
      role === "lead" && f.id !== meId && f.connected
        ? h("button", { type: "button", class: "small secondary", onclick: () => onHandOver(f), "aria-label": `Hand the lead to ${f.name}` }, "Hand over lead")
        : null)));
    mount(body,
      state.announcement ? h("p", { role: "status" }, state.announcement) : null,
      seats,
      role === "lead" && handOverTargets(state, meId).length === 0 ? h("p", { class: "hint" }, "No other facilitator is connected to hand over to.") : null,
      role === "standby" ? h("div", { class: "stack" },
        h("p", { class: "hint" }, "Peers cannot see you while you stand by."),
        h("button", { type: "button", onclick: onAppear, "data-testid": "appear" }, "Appear")) : null);
  }
  return { el, render };
}

/** What peers see while no facilitator is connected; the room stays underneath. */
export function createHoldingMessage() {
  const el = h("div", { role: "status", "aria-live": "polite", "data-testid": "holding" });
  function render(state) {
    mount(el, state.paused ? h("div", { class: "notice notice-info stack" },
      h("p", {}, h("strong", {}, "The session is paused.")),
      h("p", {}, state.holding || "Please hold on: the session carries on as soon as a facilitator is back.")) : null);
  }
  return { el, render };
}

/** A short line for the room when the lead changes. */
export function createLeadAnnouncement() {
  const el = h("div", { role: "status", "aria-live": "polite" });
  function render(state) {
    mount(el, state.announcement ? h("p", { class: "hint" }, state.announcement) : null);
  }
  return { el, render };
}
