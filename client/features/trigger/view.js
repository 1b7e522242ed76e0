// Trigger views: highlighted text (text nodes inside <mark>, never HTML), the sender's private
// reminder with "Edit and resend", and the facilitators-only alerts and held-messages panel.
import { h, mount, formatTime } from "../../lib/dom.js";
import { showError } from "../../lib/api.js";
import { splitBySpans, describeCategories, CATEGORY_LABELS } from "./state.js";

/** The text with every span wrapped in <mark> (title: category and rule). */
export function highlighted(text, spans) {
  return h("span", { class: "trigger-text" }, splitBySpans(text, spans).map((piece) => piece.span
    ? h("mark", { class: `trigger-${piece.span.category}`, title: `${CATEGORY_LABELS[piece.span.category] || piece.span.category}: ${piece.span.rule}` }, piece.text)
    : piece.text));
}

/** The sender's reminder. onEdit(text) puts the text back into the chat input. */
export function createReminderPanel({ onEdit }) {
  const el = h("div", { class: "trigger-reminder", "aria-live": "polite", "data-testid": "trigger-reminder" });
  function render(reminder) {
    if (!reminder) { el.replaceChildren(); return; }
    if (reminder.decision) {
      mount(el, h("div", { class: "notice notice-info", role: "status" },
        h("p", {}, reminder.decision === "approved" ? "A facilitator shared your message with the room." : reminder.message),
        h("button", { type: "button", class: "small secondary", onclick: () => render(null) }, "Dismiss")));
      return;
    }
    mount(el, h("div", { class: "notice notice-info private-panel", role: "status" },
      h("p", { class: "private-label" }, "Only you can see this"),
      h("p", {}, reminder.reminder),
      h("p", {}, "Your message: ", highlighted(reminder.text, reminder.spans)),
      h("div", { class: "row" },
        h("button", { type: "button", class: "small", onclick: () => { onEdit(reminder.text); render(null); } }, "Edit and resend"),
        h("button", { type: "button", class: "small secondary", onclick: () => render(null) }, "Dismiss"))));
  }
  return { el, render };
}

/** Facilitators only: alerts (newest first) and held messages with approve / reject. */
export function createTriggerPanel({ onApprove, onReject, canRelease }) {
  const heldList = h("ul", { class: "plain stack", "data-testid": "held-list" });
  const alertList = h("ul", { class: "plain stack", "data-testid": "trigger-alerts", "aria-live": "polite" });
  const errors = h("div", {});
  const el = h("section", { class: "card private-panel", "aria-labelledby": "triggers-heading", id: "triggers" },
    h("h2", { id: "triggers-heading" }, "Trigger alerts"),
    h("p", { class: "private-label" }, "Facilitators only. Peers never see this panel."),
    errors,
    h("h3", {}, "Waiting for you"), heldList,
    h("h3", {}, "Recent alerts"), alertList);

  const act = (fn) => async (event) => {
    event.currentTarget.disabled = true;
    try { await fn(); } catch (error) { showError(errors, error); event.currentTarget.disabled = false; }
  };

  function render(state, { role } = {}) {
    const release = canRelease(role);
    mount(heldList, state.held.length === 0 ? h("li", { class: "hint" }, "No messages are waiting.") :
      state.held.map((m) => h("li", { class: "stack", "data-held-id": m.held_id },
        h("p", {}, h("strong", {}, m.sender_name), ` · ${describeCategories(m.categories)} · `, h("time", {}, formatTime(m.at_ms))),
        h("p", {}, highlighted(m.text, m.spans)),
        release ? h("div", { class: "row" },
          h("button", { type: "button", class: "small", onclick: act(() => onApprove(m.held_id, true)) }, "Share masked"),
          h("button", { type: "button", class: "small secondary", onclick: act(() => onApprove(m.held_id, false)) }, "Share as written"),
          h("button", { type: "button", class: "small secondary", onclick: act(() => onReject(m.held_id)) }, "Don't share"))
          : h("p", { class: "hint" }, "The lead or co-facilitator decides."))));
    mount(alertList, state.alerts.length === 0 ? h("li", { class: "hint" }, "No alerts yet.") :
      state.alerts.map((a) => h("li", { class: "stack", "data-message-id": a.message_id },
        h("p", {}, h("strong", {}, a.sender_name), ` · ${describeCategories(a.categories)} · `,
          a.delivered === "masked" ? "masked for the room" : "shared as written", " · ", h("time", {}, formatTime(a.at_ms))),
        h("p", {}, highlighted(a.text, a.spans)))));
  }
  return { el, render };
}
