// Lobby screens: ground rules and waiting (peers); the waiting list (facilitators).
import { h, mount } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { describeWaitingSince } from "./state.js";

export function renderRules({ groupName, rules, onAccept }) {
  const checkbox = h("input", { type: "checkbox", id: "accept-rules" });
  const errors = h("div", {});
  const button = h("button", { type: "submit" }, "Join the waiting room");
  const form = h("form", {},
    h("label", { class: "checkbox", for: "accept-rules" }, checkbox, "I have read the ground rules and I agree to them."),
    errors, button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkbox.checked) {
      showError(errors, { message: "Please tick the box to say you agree to the ground rules." });
      checkbox.focus();
      return;
    }
    clearError(errors);
    button.disabled = true;
    try {
      await onAccept();
    } catch (error) {
      showError(errors, error);
      button.disabled = false;
    }
  });
  return h("section", { class: "card stack" },
    h("h1", {}, "Ground rules"),
    h("p", {}, `These keep ${groupName || "the group"} a safe place for everyone.`),
    h("ol", { class: "rules" }, (rules || []).map((rule) => h("li", {}, rule))),
    form);
}

export function renderWaiting({ pseudonym }) {
  return h("section", { class: "card stack" },
    h("h1", {}, "You're in the waiting room"),
    h("p", { role: "status", "aria-live": "polite" },
      h("span", { class: "waiting-dot", "aria-hidden": "true" }),
      "A facilitator will let you in shortly. You don't need to do anything."),
    h("p", {}, `You'll appear as "${pseudonym}".`),
    h("p", { class: "hint" }, "Take your time. Find a comfortable, private spot if you can. You can leave at any time by closing this page."));
}

export function renderLobbyClosed({ message }) {
  return h("section", { class: "card stack" },
    h("h1", {}, "The waiting room isn't open yet"),
    h("p", { role: "status", "aria-live": "polite" }, message || "Please come back a little later."),
    h("p", { class: "hint" }, "Keep this page open: it will move on by itself when the waiting room opens."));
}

export function renderDeclined({ message, onAskAgain }) {
  return h("section", { class: "card stack" },
    h("h1", {}, "You haven't been let in this time"),
    h("p", {}, "This can happen for lots of reasons, for example when a session is full or set up for a particular group. It isn't about you."),
    message ? h("p", { class: "notice notice-info" }, "A message from the facilitator: ", h("q", {}, message)) : null,
    h("p", {}, "If you'd like to talk to someone now, the support button at the top is always there."),
    onAskAgain ? h("button", { type: "button", class: "secondary", onclick: onAskAgain }, "Ask to join again") : null);
}

/** The facilitators' waiting list, with admit/decline and an optional message each. */
export function createLobbyPanel({ onAdmit, onDecline }) {
  const list = h("ul", { class: "plain", "aria-live": "polite", "aria-relevant": "additions removals", "data-testid": "lobby-list" });
  const count = h("span", { class: "hint" });
  const errors = h("div", {});
  const el = h("section", { class: "card", "aria-labelledby": "lobby-heading" },
    h("h2", { id: "lobby-heading" }, "Waiting room ", count), errors, list);

  function render(waiting, { canManage }) {
    count.textContent = `(${waiting.length})`;
    const now = Date.now();
    mount(list, waiting.length === 0 ? h("li", { class: "hint" }, "No one is waiting.") :
      waiting.map((person) => {
        const messageId = `lobby-msg-${person.member_id}`;
        const message = h("input", { type: "text", id: messageId, maxlength: 300, autocomplete: "off" });
        const act = (fn) => async () => {
          clearError(errors);
          try { await fn(person.member_id, message.value.trim()); } catch (error) { showError(errors, error); }
        };
        return h("li", { class: "stack", "data-member-id": person.member_id },
          h("div", { class: "row" },
            h("strong", { class: "waiting-name" }, person.pseudonym),
            h("span", { class: "hint" }, describeWaitingSince(person.since_ms, now))),
          canManage ? h("div", { class: "field" },
            h("label", { for: messageId, class: "hint" }, `Optional message to ${person.pseudonym}`), message) : null,
          canManage ? h("div", { class: "row" },
            h("button", { type: "button", class: "small", onclick: act(onAdmit), "aria-label": `Admit ${person.pseudonym}` }, "Admit"),
            h("button", { type: "button", class: "small secondary", onclick: act(onDecline), "aria-label": `Decline ${person.pseudonym}` }, "Decline")) : null);
      }));
  }
  return { el, render };
}
