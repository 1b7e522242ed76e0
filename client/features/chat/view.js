// A chat panel. Message text is always inserted as text (textContent), never as HTML.
import { h, formatTime } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { isRateLimited, retryAfterMs } from "../../lib/socket.js";
import { validateText, MAX_TEXT_LENGTH } from "./state.js";

const ROLE_NOTE = { lead: "facilitator", co: "facilitator", standby: "facilitator" };

/**
 * createMessagePanel({id, title, note, inputLabel, onSend, privatePanel})
 * returns {el, render(messages)}; render only appends what is new so the polite live region
 * announces just the new messages.
 */
export function createMessagePanel({ id, title, note, inputLabel, placeholder = "", onSend, privatePanel = false, messageActions = null }) {
  const log = h("ol", { class: "plain chat-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-labelledby": `${id}-heading`, tabindex: "0", "data-testid": `${id}-log` });
  const input = h("input", { type: "text", id: `${id}-input`, maxlength: MAX_TEXT_LENGTH, autocomplete: "off", placeholder });
  const errors = h("div", {});
  const form = h("form", { class: "chat-form" },
    h("label", { for: `${id}-input`, class: "visually-hidden" }, inputLabel),
    input,
    h("button", { type: "submit" }, "Send"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = validateText(input.value);
    if (problem) {
      showError(errors, { message: problem });
      return;
    }
    clearError(errors);
    const text = input.value.trim();
    try {
      await onSend(text);
      input.value = "";
    } catch (error) {
      // the text stays in the input; a "sending too quickly" note goes once it may be sent
      const shown = showError(errors, error);
      if (isRateLimited(error)) {
        setTimeout(() => { if (errors.firstChild === shown) clearError(errors); }, retryAfterMs(error));
      }
    }
    input.focus();
  });
  const el = h("section", { class: privatePanel ? "card private-panel" : "card", "aria-labelledby": `${id}-heading`, id },
    h("h2", { id: `${id}-heading` }, title),
    note ? h("p", { class: privatePanel ? "private-label" : "hint" }, note) : null,
    log, errors, form);

  const shown = new Set();
  function render(messages) {
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    if (messages.length < shown.size || messages.some((m, i) => i < shown.size && !shown.has(m.id))) {
      log.replaceChildren();
      shown.clear();
    }
    for (const message of messages) {
      if (shown.has(message.id)) continue;
      shown.add(message.id);
      log.append(renderMessage(message, messageActions));
    }
    if (nearBottom) log.scrollTop = log.scrollHeight;
  }
  return { el, render };
}

function renderMessage(message, messageActions) {
  const roleNote = ROLE_NOTE[message.sender_role];
  return h("li", { "data-message-id": message.id },
    messageActions ? messageActions(message) : null,
    h("span", { class: "chat-sender" }, message.sender_name || "Someone", roleNote ? ` (${roleNote})` : "", ":"),
    h("span", { class: "chat-text" }, message.text),
    message.at_ms ? h("time", { class: "chat-time", datetime: new Date(message.at_ms).toISOString() }, formatTime(message.at_ms)) : null);
}

export function createChatPanel({ onSend, messageActions = null }) {
  return createMessagePanel({
    messageActions,
    id: "chat",
    title: "Chat",
    note: "Everyone in the room can read this chat.",
    inputLabel: "Message to the room",
    placeholder: "Write to the room…",
    onSend,
  });
}
