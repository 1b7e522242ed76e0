// Admin: sessions of a group (create with lead, co, times and theme; list).
import { h, mount, field, formatDateTime } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import * as adminApi from "./api.js";
import { sessionPayload, checkSessionForm } from "./state.js";
import { renderGroupPage } from "./group_picker.js";

export async function renderSessions(container) {
  await renderGroupPage(container, "Sessions", "sessions-group", show);
}

async function show(group, body, errors) {
  mount(body, sessionForm(group, () => show(group, body, errors)), h("div", { id: "session-list" }));
  try {
    const sessions = await adminApi.listSessions(group.id);
    const name = (id) => (group.facilitators.find((f) => f.id === id) || {}).display_name || "—";
    mount(body.querySelector("#session-list"), h("section", { class: "card", "aria-labelledby": "session-list-heading" },
      h("h2", { id: "session-list-heading" }, `Sessions of ${group.name}`),
      sessions.length === 0 ? h("p", {}, "No sessions yet.") :
        h("div", { class: "table-wrap" }, h("table", {},
          h("thead", {}, h("tr", {}, ["Starts", "Ends", "Theme", "Lead", "Co", "State"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, sessions.map((s) => h("tr", {},
            h("td", {}, formatDateTime(s.scheduled_start)), h("td", {}, formatDateTime(s.scheduled_end)),
            h("td", {}, s.theme || ""), h("td", {}, name(s.lead_id)), h("td", {}, name(s.co_id)), h("td", {}, s.state))))))));
  } catch (error) {
    showError(errors, error);
  }
}

function sessionForm(group, onSaved) {
  const options = [["", "Choose…"], ...group.facilitators.map((f) => [f.id, `${f.display_name}${f.pronouns ? ` (${f.pronouns})` : ""}`])];
  const theme = field("Theme (optional)", { id: "session-theme", maxlength: 200, autocomplete: "off" });
  const start = field("Starts", { type: "datetime-local", id: "session-start", required: true });
  const end = field("Ends", { type: "datetime-local", id: "session-end", required: true });
  const lead = field("Lead facilitator", { kind: "select", options, id: "session-lead" });
  const co = field("Co-facilitator", { kind: "select", options, id: "session-co" });
  const errors = h("div", {});
  const created = h("div", { role: "status" });
  const submit = h("button", { type: "submit" }, "Create session");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "session-form-heading" },
    h("h2", { id: "session-form-heading" }, `New session for ${group.name}`),
    group.facilitators.length < 2 ? h("p", { class: "notice notice-info" }, "This group needs two assigned facilitators (a lead and a co) before you can plan a session.") : null,
    theme.wrap, h("div", { class: "row" }, start.wrap, end.wrap), h("div", { class: "row" }, lead.wrap, co.wrap),
    errors, created, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errors);
    const values = { theme: theme.input.value, start: start.input.value, end: end.input.value, leadId: lead.input.value, coId: co.input.value };
    const problem = checkSessionForm(values);
    if (problem) { showError(errors, { message: problem }); return; }
    submit.disabled = true;
    try {
      await adminApi.createSession(group.id, sessionPayload(values));
      await onSaved();
    } catch (error) {
      showError(errors, error);
      submit.disabled = false;
    }
  });
  return form;
}
