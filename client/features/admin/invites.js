// Admin: invite links of a group (create, copy, revoke).
import { h, mount, field, formatDateTime, copyText } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { confirmDialog } from "../../lib/dialog.js";
import * as adminApi from "./api.js";
import { renderGroupPage } from "./group_picker.js";

export async function renderInvites(container) {
  await renderGroupPage(container, "Invite links", "invites-group", show);
}

async function show(group, body, errors) {
  const list = h("div", {});
  mount(body, inviteForm(group, () => refresh()), list);
  async function refresh() {
    clearError(errors);
    try {
      const invites = await adminApi.listInvites(group.id);
      mount(list, h("section", { class: "card", "aria-labelledby": "invite-list-heading" },
        h("h2", { id: "invite-list-heading" }, `Links for ${group.name}`),
        invites.length === 0 ? h("p", {}, "No invite links yet.") :
          h("ul", { class: "plain" }, invites.map((invite, index) => inviteRow(invite, index, errors, refresh)))));
    } catch (error) {
      showError(errors, error);
    }
  }
  await refresh();
}

function inviteForm(group, onCreated) {
  const label = field("Label (optional)", { id: "invite-label", maxlength: 120, autocomplete: "off", hint: "For you only, e.g. where you shared it." });
  const ttl = field("Valid for (days)", { type: "number", id: "invite-ttl", value: "14", min: 1 });
  const errors = h("div", {});
  const submit = h("button", { type: "submit" }, "Create invite link");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "invite-form-heading" },
    h("h2", { id: "invite-form-heading" }, "New invite link"),
    h("div", { class: "row" }, label.wrap, ttl.wrap), errors, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errors);
    submit.disabled = true;
    try {
      const ttlDays = Number.parseInt(ttl.input.value, 10);
      await adminApi.createInvite(group.id, { label: label.input.value.trim() || null, ...(Number.isFinite(ttlDays) ? { ttl_days: ttlDays } : {}) });
      label.input.value = "";
      await onCreated();
    } catch (error) {
      showError(errors, error);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function inviteRow(invite, index, errors, refresh) {
  const urlId = `invite-url-${index}`;
  const url = h("input", { type: "text", id: urlId, readonly: true, value: invite.url, class: "invite-url" });
  const status = h("span", { role: "status", class: "hint" });
  const revoked = Boolean(invite.revoked_at);
  return h("li", { class: "stack", "data-invite-id": invite.id },
    h("div", { class: "row" },
      h("strong", {}, invite.label || "Invite link"),
      revoked ? h("span", { class: "badge" }, `revoked ${formatDateTime(invite.revoked_at)}`)
        : h("span", { class: "hint" }, invite.expires_at ? `expires ${formatDateTime(invite.expires_at)}` : "")),
    h("label", { for: urlId, class: "visually-hidden" }, `Link: ${invite.label || "invite link"}`),
    url,
    revoked ? null : h("div", { class: "row" },
      h("button", { type: "button", class: "small", onclick: async () => { status.textContent = (await copyText(invite.url, url)) ? "Link copied." : "Selected: press Ctrl+C to copy."; } }, "Copy link"),
      h("button", {
        type: "button", class: "small danger",
        onclick: async () => {
          const ok = await confirmDialog({ title: "Revoke this link?", body: "It stops working at once. People who already joined keep their place.", confirmLabel: "Revoke link", danger: true });
          if (!ok) return;
          try { await adminApi.revokeInvite(invite.id); await refresh(); } catch (error) { showError(errors, error); }
        },
      }, "Revoke"),
      status));
}
