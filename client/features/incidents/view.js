// Incidents: the console panel (this session) and the admin page (per group, with erasure).
import { h, mount, focusHeading, formatDateTime } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { promptDialog, confirmDialog } from "../../lib/dialog.js";
import { listGroups } from "../admin/api.js";
import { KIND_LABELS } from "./state.js";
import { listIncidents, writeNote, listMembers, eraseMember } from "./api.js";

function incidentItem(incident, { onNote }) {
  return h("li", { class: "card stack", "data-incident-id": incident.id, "data-kind": incident.kind },
    h("p", {}, h("strong", {}, KIND_LABELS[incident.kind] || incident.kind), " · ",
      incident.pseudonyms.join(", "), " · ", formatDateTime(incident.occurred_at)),
    incident.rule ? h("p", { class: "hint" }, `Rule ${incident.rule.index + 1}: ${incident.rule.text}`) : null,
    h("ul", {}, incident.actions.map((a) => h("li", {}, `${formatDateTime(a.at)}: ${a.what}`))),
    incident.note ? h("p", {}, "Note: ", incident.note) : h("p", { class: "hint" }, "No note yet."),
    onNote ? h("button", { type: "button", class: "small secondary", onclick: () => onNote(incident) }, incident.note ? "Edit note" : "Write note") : null);
}

async function noteFlow(incident) {
  const note = await promptDialog({
    title: "Incident note",
    body: "What happened and what you did. Use pseudonyms only; no contact details.",
    label: "Note",
    confirmLabel: "Save note",
  });
  return note ? writeNote(incident.id, note) : null;
}

/** The console's incidents panel; onChanged(incident) after a note is saved. */
export function createIncidentsPanel({ onChanged }) {
  const errors = h("div", {});
  const list = h("ul", { class: "plain stack incident-list", tabindex: "0", "aria-labelledby": "incidents-heading" });
  const el = h("section", { class: "card private-panel", "aria-labelledby": "incidents-heading", "data-testid": "incidents" },
    h("h2", { id: "incidents-heading" }, "Incidents this session"),
    h("p", { class: "private-label" }, "Only facilitators and admins see these."),
    errors, list);
  const onNote = async (incident) => {
    clearError(errors);
    try {
      const saved = await noteFlow(incident);
      if (saved) onChanged(saved);
    } catch (error) { showError(errors, error); }
  };
  function render(items) {
    mount(list, items.length === 0 ? h("li", { class: "hint" }, "Nothing recorded.") : items.map((i) => incidentItem(i, { onNote })));
  }
  return { el, render, showError: (error) => showError(errors, error) };
}

/** Admin page: a group's incidents (with counts) and its members, each erasable. */
export async function renderIncidentsAdmin(container) {
  const errors = h("div", {});
  const picker = h("select", { id: "incidents-group" });
  const body = h("div", { class: "stack" });
  mount(container, h("h1", {}, "Incidents"), errors,
    h("div", { class: "field" }, h("label", { for: "incidents-group" }, "Group"), picker), body);
  focusHeading(container);
  let groups = [];
  try { groups = await listGroups(); } catch (error) { showError(errors, error); return; }
  mount(picker, groups.map((g) => h("option", { value: g.id }, g.name)));
  picker.addEventListener("change", () => show(picker.value));
  if (groups.length) await show(groups[0].id);

  async function show(groupId) {
    clearError(errors);
    try {
      const [data, members] = await Promise.all([listIncidents(groupId), listMembers(groupId)]);
      const counts = Object.entries(data.counts);
      mount(body,
        h("h2", {}, "Counts"),
        counts.length ? h("ul", {}, counts.map(([kind, n]) => h("li", {}, `${KIND_LABELS[kind] || kind}: ${n}`))) : h("p", { class: "hint" }, "No incidents kept."),
        h("h2", {}, "Incidents"),
        h("ul", { class: "plain stack" }, data.incidents.map((i) => incidentItem(i, { onNote: async (inc) => { if (await noteFlow(inc)) await show(groupId); } }))),
        h("h2", {}, "Members"),
        h("p", { class: "hint" }, "Erasing a member (when they ask) deletes their contact details and replaces their pseudonym everywhere; the incident counts stay."),
        h("ul", { class: "plain" }, members.map((m) => h("li", { class: "row" },
          h("span", {}, m.pseudonym, m.has_contact ? " (left a contact)" : ""),
          m.erased ? h("span", { class: "hint" }, "erased") : h("button", {
            type: "button", class: "small danger-outline", "aria-label": `Erase ${m.pseudonym}`,
            onclick: async () => {
              const ok = await confirmDialog({ title: `Erase ${m.pseudonym}?`, body: "This cannot be undone. Their invite link stops working.", confirmLabel: "Erase", danger: true });
              if (!ok) return;
              try { await eraseMember(m.id); await show(groupId); } catch (error) { showError(errors, error); }
            },
          }, "Erase")))));
    } catch (error) {
      showError(errors, error);
    }
  }
}
