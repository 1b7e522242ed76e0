// The facilitators' presence panel: camera off for how long, connected without media, and a
// one-click "Are you still there?" with its answer. The peer's prompt to answer it.
import { h, mount } from "../../lib/dom.js";
import { mediaLine, checkLine } from "./state.js";

export function createPresencePanel({ onCheck }) {
  const list = h("ul", { class: "plain", "data-testid": "presence-list" });
  const el = h("section", { class: "card stack", "aria-labelledby": "presence-h" }, h("h2", { id: "presence-h" }, "Presence"), list);
  function render(update, canCheck) {
    const rows = ((update && update.presence) || []).filter((r) => r.role === "peer");
    mount(list, rows.length ? rows.map((r) => h("li", { class: "stack", "data-member": r.id },
      h("div", { class: "row" },
        h("strong", { class: "row-grow" }, r.name),
        canCheck && r.connected ? h("button", { type: "button", class: "small secondary", "aria-label": `Ask ${r.name}: Are you still there?`, onclick: () => onCheck(r.id) }, "Are you still there?") : null),
      h("p", { class: "hint" }, mediaLine(r)),
      r.check ? h("p", { class: "hint", "data-testid": "presence-answer" }, checkLine(r.check, update.at_ms)) : null)) : h("li", { class: "hint" }, "No peers here yet."));
  }
  return { el, render };
}

export function createPresencePrompt({ onAnswer }) {
  const el = h("div", { role: "alert" });
  return {
    el,
    show() {
      mount(el, h("div", { class: "notice notice-info", "data-testid": "presence-prompt" },
        h("p", {}, "The facilitator is checking in: are you still there? No need to say anything out loud."),
        h("button", { type: "button", onclick: async () => { await onAnswer(); el.replaceChildren(); } }, "I'm here")));
    },
  };
}
