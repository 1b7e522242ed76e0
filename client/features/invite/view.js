// The invite page: which group this is, and choosing a pseudonym.
import { h, field, formatDateTime } from "../../lib/dom.js";
import { showError } from "../../lib/api.js";
import { validatePseudonym, PSEUDONYM_MAX } from "./state.js";

export function renderInviteProblem(message) {
  return h("section", { class: "card" },
    h("h1", {}, "This link can't be used"),
    h("p", {}, message),
    h("p", {}, "The support information above is always available."));
}

export function renderPseudonymStep({ group, session, onSubmit }) {
  const { wrap, input } = field("Your name for this group", {
    hint: "Use any name you like. It doesn't need to be your real name.",
    maxlength: PSEUDONYM_MAX, autocomplete: "off", required: true, id: "pseudonym",
  });
  const errors = h("div", {});
  const submit = h("button", { type: "submit" }, "Continue");
  const form = h("form", { novalidate: true }, wrap, errors, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = validatePseudonym(input.value);
    if (problem) { showError(errors, { message: problem }); input.focus(); return; }
    submit.disabled = true;
    try {
      await onSubmit(input.value.trim());
    } catch (error) {
      showError(errors, error);
      submit.disabled = false;
    }
  });
  return h("section", { class: "card stack" },
    h("h1", {}, `Welcome to ${group.name}`),
    group.description ? h("p", {}, group.description) : null,
    sessionLine(session),
    h("p", { class: "hint" }, "We only ask for a name to show others in the group. No email, no phone number."),
    form);
}

export function sessionLine(session) {
  if (!session) return h("p", { class: "notice notice-info" }, "There is no session planned right now. You can still come back to this link later.");
  return h("p", { class: "notice notice-info" },
    session.theme ? `Next session: ${session.theme}. ` : "Next session: ",
    formatDateTime(session.scheduled_start),
    session.state === "live" ? " (happening now)" : "");
}
