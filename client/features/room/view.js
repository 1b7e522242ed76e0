// Participant list. Facilitators are marked; the lead sees a Remove button next to each peer.
import { h, mount } from "../../lib/dom.js";
import { ROLE_LABELS } from "./state.js";

export function createParticipantsPanel({ title = "In the room", onRemove } = {}) {
  const list = h("ul", { class: "plain", "aria-live": "polite", "aria-relevant": "additions removals" });
  const count = h("span", { class: "hint" });
  const el = h("section", { class: "card", "aria-labelledby": "participants-heading" },
    h("h2", { id: "participants-heading" }, title, " ", count),
    list);
  function render(participants, { canRemove = false, meId = null, personActions = null } = {}) {
    count.textContent = `(${participants.length})`;
    mount(list, participants.length === 0 ? h("li", { class: "hint" }, "No one is here yet.") :
      participants.map((p) => h("li", { class: "row", "data-participant-id": p.id },
        h("span", { class: "participant-name" }, p.name, p.id === meId ? " (you)" : ""),
        h("span", { class: p.role === "peer" ? "badge" : "badge badge-staff" }, ROLE_LABELS[p.role] || p.role),
        p.connected === false ? h("span", { class: "hint" }, "reconnecting…") : null,
        personActions && p.role === "peer" ? personActions(p) : null,
        canRemove && p.role === "peer" && onRemove
          ? h("button", { type: "button", class: "small danger-outline", onclick: () => onRemove(p), "aria-label": `Remove ${p.name}` }, "Remove")
          : null)));
  }
  return { el, render };
}
