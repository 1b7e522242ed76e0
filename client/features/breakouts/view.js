// Breakout views: the two-click launcher, the facilitators' status panel, the banner of a
// person in a breakout, and the main room's neutral notice.
import { h, mount } from "../../lib/dom.js";
import { NOTICE_CHOICES, sinceLabel, canRunBreakouts, inBreakout } from "./state.js";

/** Click 1 is "Open breakout" next to a peer; click 2 is the dialog's confirm button. */
export function chooseNotice(pseudonym) {
  return new Promise((resolve) => {
    const select = h("select", { id: "breakout-notice" },
      NOTICE_CHOICES.map((c) => h("option", { value: c.value }, c.label)));
    select.value = NOTICE_CHOICES[1].value;
    const dialog = h("dialog", { class: "card stack", "aria-labelledby": "breakout-dialog-title" },
      h("h2", { id: "breakout-dialog-title" }, `Open a breakout with ${pseudonym}?`),
      h("p", {}, "You and they leave the main room's video, audio and chat for a private room. The lead carries on."),
      h("label", { for: "breakout-notice" }, "What the main room sees"), select,
      h("div", { class: "row" },
        h("button", { type: "button", "data-testid": "confirm-breakout", onclick: () => done(select.value) }, "Open breakout"),
        h("button", { type: "button", class: "secondary", onclick: () => done(null) }, "Cancel")));
    function done(value) {
      dialog.close();
      dialog.remove();
      resolve(value);
    }
    dialog.addEventListener("cancel", () => done(null));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Status of every breakout (who, since when; never content), with the facilitator's actions. */
export function createBreakoutPanel({ onStepIn, onBringBack, onClose }) {
  const warning = h("div", { role: "alert" });
  const list = h("ul", { class: "plain stack" });
  const el = h("section", { class: "card", "aria-labelledby": "breakouts-heading", "data-testid": "breakouts" },
    h("h2", { id: "breakouts-heading" }, "Breakouts"), warning, list);
  function render(state, { role, meId }) {
    mount(warning, state.warning ? h("p", { class: "notice notice-error" }, state.warning) : null);
    const run = canRunBreakouts(role);
    mount(list, state.list.length === 0 ? h("li", { class: "hint" }, "No breakouts are open.") :
      state.list.map((b) => {
        const here = b.members.some((m) => m.id === meId);
        return h("li", { class: "stack", "data-room-id": b.room_id },
          h("p", {}, h("strong", {}, `Opened by ${b.opened_by_name || "a facilitator"}`),
            b.notice ? ` · main room told “${b.notice}”` : ""),
          h("ul", { class: "plain" }, b.members.map((m) => h("li", { class: "row" },
            h("span", {}, m.name, m.id === meId ? " (you)" : ""),
            h("span", { class: "hint" }, `in for ${sinceLabel(m.since_ms)}`),
            m.connected ? null : h("span", { class: "hint" }, "reconnecting…"),
            b.return_requested.includes(m.id) ? h("span", { class: "badge badge-staff" }, "asks to return") : null,
            run ? h("button", { type: "button", class: "small secondary", onclick: () => onBringBack(m.id), "aria-label": `Bring ${m.name} back` }, m.id === meId ? "Go back to the main room" : "Bring back") : null))),
          run ? h("div", { class: "row" },
            here ? null : h("button", { type: "button", class: "small", onclick: () => onStepIn(b.room_id) }, "Step in"),
            h("button", { type: "button", class: "small secondary", onclick: () => onClose(b.room_id) }, "Close breakout")) : null);
      }));
  }
  return { el, render };
}

/** Above the room of someone in a breakout: where they are; a peer may ask to return. */
export function createBreakoutBanner({ onAskToReturn = null } = {}) {
  const el = h("div", { "data-testid": "breakout-banner" });
  function render(state) {
    if (!inBreakout(state)) { mount(el, null); return; }
    mount(el, h("div", { class: "notice notice-info stack" },
      h("p", {}, h("strong", {}, "You are in a private breakout."),
        " Only the people listed here see, hear and read you; the main room does not."),
      onAskToReturn
        ? (state.returnRequested
          ? h("p", { role: "status" }, "The facilitator knows you would like to go back.")
          : h("button", { type: "button", class: "secondary", onclick: onAskToReturn }, "Ask to return"))
        : null));
  }
  return { el, render };
}

/** In the main room: the neutral notice a facilitator chose when stepping out. */
export function createRoomNotice() {
  const el = h("div", { role: "status", "aria-live": "polite" });
  function render(state) {
    mount(el, state.notice && !inBreakout(state) ? h("p", { class: "notice notice-info" }, state.notice.text) : null);
  }
  return { el, render };
}
