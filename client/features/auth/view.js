// Sign-in and change-password forms.
import { h, field } from "../../lib/dom.js";
import { showError } from "../../lib/api.js";
import { validateNewPassword, MIN_PASSWORD_LENGTH } from "./state.js";

function submitting(form, errors, button, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      showError(errors, error);
    } finally {
      button.disabled = false;
    }
  });
}

export function renderSignIn({ onSignIn }) {
  const email = field("Email", { type: "email", autocomplete: "username", required: true, id: "login-email" });
  const password = field("Password", { type: "password", autocomplete: "current-password", required: true, id: "login-password" });
  const errors = h("div", {});
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h("form", {}, email.wrap, password.wrap, errors, button);
  submitting(form, errors, button, () => onSignIn(email.input.value.trim(), password.input.value));
  return h("section", { class: "card card-narrow" },
    h("h1", {}, "Sign in"),
    h("p", { class: "hint" }, "For facilitators and admins. Peers join through an invite link."),
    form);
}

export function renderChangePassword({ forced, onChange }) {
  const current = field("Current password", { type: "password", autocomplete: "current-password", required: true, id: "pw-current",
    hint: forced ? "The one-time password you were given." : undefined });
  const next = field("New password", { type: "password", autocomplete: "new-password", required: true, id: "pw-new",
    hint: `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.` });
  const repeat = field("New password again", { type: "password", autocomplete: "new-password", required: true, id: "pw-repeat" });
  const errors = h("div", {});
  const button = h("button", { type: "submit" }, "Save new password");
  const form = h("form", {}, current.wrap, next.wrap, repeat.wrap, errors, button);
  submitting(form, errors, button, async () => {
    const problem = validateNewPassword(current.input.value, next.input.value, repeat.input.value);
    if (problem) throw { message: problem };
    await onChange(current.input.value, next.input.value);
  });
  return h("section", { class: "card card-narrow" },
    h("h1", {}, forced ? "Choose your own password" : "Change password"),
    forced ? h("p", {}, "You signed in with a one-time password. Please choose your own before you continue.") : null,
    form);
}
