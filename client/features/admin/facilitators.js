// Admin: staff accounts. A new account's one-time password is shown once, here, and never again.
import { h, mount, field, focusHeading, copyText } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import * as adminApi from "./api.js";

export async function renderFacilitators(container) {
  const errors = h("div", {});
  const created = h("div", { "aria-live": "polite" });
  const listEl = h("div", {});
  const email = field("Email", { type: "email", required: true, id: "new-user-email", autocomplete: "off" });
  const displayName = field("Display name", { required: true, id: "new-user-name", autocomplete: "off", hint: "Shown to peers in sessions." });
  const pronouns = field("Pronouns (optional)", { id: "new-user-pronouns", autocomplete: "off" });
  const gender = field("Gender (optional)", { id: "new-user-gender", autocomplete: "off", hint: "Used to staff women-only and men-only groups." });
  const isFacilitator = h("input", { type: "checkbox", id: "new-user-facilitator", checked: true });
  const isAdmin = h("input", { type: "checkbox", id: "new-user-admin" });
  const formErrors = h("div", {});
  const submit = h("button", { type: "submit" }, "Create account");
  const form = h("form", { class: "card", "aria-labelledby": "new-user-heading", novalidate: true },
    h("h2", { id: "new-user-heading" }, "New facilitator"),
    email.wrap, displayName.wrap, h("div", { class: "row" }, pronouns.wrap, gender.wrap),
    h("label", { class: "checkbox", for: "new-user-facilitator" }, isFacilitator, "Facilitator"),
    h("label", { class: "checkbox", for: "new-user-admin" }, isAdmin, "Admin"),
    formErrors, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(formErrors);
    submit.disabled = true;
    try {
      const answer = await adminApi.createUser({
        email: email.input.value.trim(), display_name: displayName.input.value.trim(),
        pronouns: pronouns.input.value.trim() || null, gender: gender.input.value.trim() || null,
        is_facilitator: isFacilitator.checked, is_admin: isAdmin.checked,
      });
      form.reset();
      isFacilitator.checked = true;
      showOneTimePassword(created, answer.user, answer.one_time_password);
      await refresh();
    } catch (error) {
      showError(formErrors, error);
    } finally {
      submit.disabled = false;
    }
  });

  mount(container, h("h1", {}, "Facilitators"), errors, created, form, listEl);
  focusHeading(container);

  async function refresh() {
    try {
      const users = await adminApi.listUsers();
      mount(listEl, h("section", { class: "card", "aria-labelledby": "users-heading" },
        h("h2", { id: "users-heading" }, "Accounts"),
        h("ul", { class: "plain" }, users.map((u) => userRow(u, errors)))));
    } catch (error) {
      showError(errors, error);
    }
  }
  await refresh();
}

function showOneTimePassword(slot, user, password) {
  const input = h("input", { type: "text", readonly: true, value: password, id: "one-time-password", class: "secret", "data-testid": "one-time-password" });
  const status = h("span", { role: "status" });
  mount(slot, h("div", { class: "notice notice-success stack", role: "alert" },
    h("p", {}, h("strong", {}, `Account created for ${user.email}.`)),
    h("p", {}, "Give them this one-time password by a private route. It is shown only now; they choose their own when they first sign in."),
    h("label", { for: "one-time-password" }, "One-time password"),
    input,
    h("div", { class: "row" },
      h("button", { type: "button", class: "small", onclick: async () => { status.textContent = (await copyText(password, input)) ? "Copied." : "Selected: press Ctrl+C to copy."; } }, "Copy password"),
      h("button", { type: "button", class: "small secondary", onclick: () => slot.replaceChildren() }, "I have noted it, hide it"),
      status)));
}

function userRow(user, errors) {
  const pronounsId = `pronouns-${user.id}`;
  const genderId = `gender-${user.id}`;
  const pronouns = h("input", { type: "text", id: pronounsId, value: user.pronouns || "" });
  const gender = h("input", { type: "text", id: genderId, value: user.gender || "" });
  const saved = h("span", { role: "status", class: "hint" });
  const form = h("form", { class: "row" },
    h("div", {}, h("label", { for: pronounsId }, "Pronouns"), pronouns),
    h("div", {}, h("label", { for: genderId }, "Gender"), gender),
    h("button", { type: "submit", class: "small secondary", "aria-label": `Save pronouns and gender of ${user.display_name}` }, "Save"),
    saved);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errors);
    try {
      await adminApi.updateUser(user.id, { pronouns: pronouns.value.trim() || null, gender: gender.value.trim() || null });
      saved.textContent = "Saved.";
    } catch (error) {
      showError(errors, error);
    }
  });
  const roles = [user.is_admin ? "admin" : null, user.is_facilitator ? "facilitator" : null, user.disabled ? "disabled" : null].filter(Boolean);
  return h("li", { class: "stack" },
    h("div", { class: "row" }, h("strong", {}, user.display_name), h("span", { class: "hint" }, user.email),
      roles.map((r) => h("span", { class: "badge" }, r))),
    form);
}
