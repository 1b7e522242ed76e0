// The peer's contact step (after the ground rules) and the facilitator's "Show contact".
import { h, field } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { promptDialog, confirmDialog } from "../../lib/dialog.js";
import { viewContact } from "./api.js";

/** policy: "optional" | "required". onSave({phone, email, region}) and onSkip() return promises. */
export function renderContactStep({ policy, onSave, onSkip }) {
  const phone = field("Phone number", { type: "tel", autocomplete: "tel", maxlength: 40, id: "contact-phone" });
  const email = field("Email address", { type: "email", autocomplete: "email", maxlength: 254, id: "contact-email" });
  const region = field("Region (optional)", { maxlength: 80, id: "contact-region", hint: "For example your town or county, so we can point you to local help." });
  const errors = h("div", {});
  const save = h("button", { type: "submit" }, "Save and continue");
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "contact-heading" },
    h("h1", { id: "contact-heading" }, "A way to reach you, just in case"),
    h("p", {}, "If a facilitator is worried about you — for example if you leave suddenly after saying you're struggling — they may want to check you're okay."),
    h("p", {}, "Only this group's facilitators can see these details, and every time they look it is recorded. They are stored encrypted and are never shown to other people in the group."),
    h("p", { class: "hint" }, policy === "required"
      ? "This group asks everyone for a phone number or an email address before joining."
      : "This is optional. You can skip it and still join."),
    phone.wrap, email.wrap, region.wrap, errors,
    h("div", { class: "row" }, save,
      policy === "required" ? null : h("button", { type: "button", class: "secondary", onclick: () => run(onSkip) }, "Skip")));
  async function run(fn) {
    clearError(errors);
    save.disabled = true;
    try { await fn(); } catch (error) { showError(errors, error); save.disabled = false; }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!phone.input.value.trim() && !email.input.value.trim()) {
      showError(errors, { message: "Give a phone number or an email address." });
      return;
    }
    run(() => onSave({
      phone: phone.input.value.trim() || null,
      email: email.input.value.trim() || null,
      region: region.input.value.trim() || null,
    }));
  });
  return form;
}

/** Ask for a reason, then show the contact (the server records the view). */
export async function showContactFlow(memberId, pseudonym) {
  const reason = await promptDialog({
    title: `Show ${pseudonym}'s contact details?`,
    body: "Only look when you need to reach them. Your name and reason are written to the audit log.",
    label: "Why do you need them?",
    confirmLabel: "Show contact",
  });
  if (!reason) return;
  let contact;
  try {
    contact = await viewContact(memberId, reason);
  } catch (error) {
    await confirmDialog({ title: "Could not show the contact", body: error.message, confirmLabel: "Close", cancelLabel: "OK" });
    return;
  }
  const lines = [
    contact.phone ? `Phone: ${contact.phone}` : null,
    contact.email ? `Email: ${contact.email}` : null,
    contact.region ? `Region: ${contact.region}` : null,
  ].filter(Boolean).join(" · ");
  await confirmDialog({ title: `${pseudonym}'s contact details`, body: lines, confirmLabel: "Close", cancelLabel: "Done" });
}

export const contactStepError = (container, error) => showError(container, error);
