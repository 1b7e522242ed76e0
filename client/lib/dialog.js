// Accessible modal dialogs built on <dialog> (focus is trapped and restored by the browser).
import { h } from "./dom.js";

/**
 * Ask a yes/no question. Resolves true when confirmed.
 */
export function confirmDialog({ title, body, confirmLabel = "Confirm", cancelLabel = "Cancel", danger = false }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    const dialog = h("dialog", { "aria-labelledby": titleId },
      h("h2", { id: titleId }, title),
      body ? h("p", {}, body) : null,
      h("div", { class: "row" },
        h("button", { type: "button", class: danger ? "danger" : "", onclick: () => close(true) }, confirmLabel),
        h("button", { type: "button", class: "secondary", onclick: () => close(false) }, cancelLabel)));
    function close(result) {
      dialog.close();
      dialog.remove();
      resolve(result);
    }
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Ask for a line of text. Resolves the text, or null when cancelled.
 */
export function promptDialog({ title, body, label, confirmLabel = "Continue", cancelLabel = "Cancel", required = true }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    const inputId = `${titleId}-input`;
    const input = h("textarea", { id: inputId, rows: 3, required, maxlength: 500 });
    const error = h("p", { class: "notice notice-error", role: "alert", hidden: true });
    const form = h("form", { method: "dialog" },
      h("h2", { id: titleId }, title),
      body ? h("p", {}, body) : null,
      h("div", { class: "field" }, h("label", { for: inputId }, label), input),
      error,
      h("div", { class: "row" },
        h("button", { type: "submit" }, confirmLabel),
        h("button", { type: "button", class: "secondary", onclick: () => close(null) }, cancelLabel)));
    const dialog = h("dialog", { "aria-labelledby": titleId }, form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (required && !value) {
        error.textContent = "Please write a short reason.";
        error.hidden = false;
        input.focus();
        return;
      }
      close(value);
    });
    function close(result) {
      dialog.close();
      dialog.remove();
      resolve(result);
    }
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(null); });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
