// Admin: groups (create, edit, ground rules, facilitators).
import { h, mount, field, focusHeading } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import * as adminApi from "./api.js";
import { rememberGroup } from "./group_picker.js";
import { AUDIENCES, FORMATS, CONTACT_POLICIES, groupPayload, labelFor, facilitatorsOf } from "./state.js";

export async function renderGroups(container) {
  const errors = h("div", {});
  const listEl = h("div", {});
  const formSlot = h("div", {});
  mount(container, h("h1", {}, "Groups"), errors, formSlot, listEl);
  focusHeading(container);

  let users = [];
  // The server's defaults for a new group (the only copy of the default ground rules).
  const defaultsReady = adminApi.groupDefaults();
  defaultsReady.catch(() => {}); // reported when a form needs them
  async function refresh() {
    try {
      const [groups, allUsers] = await Promise.all([adminApi.listGroups(), adminApi.listUsers()]);
      users = allUsers;
      mount(listEl, groups.length === 0 ? h("p", {}, "No groups yet.") :
        h("ul", { class: "plain" }, groups.map((g) => h("li", { class: "stack" },
          h("h2", {}, g.name),
          h("p", { class: "hint" }, `${labelFor(AUDIENCES, g.audience)} · ${labelFor(FORMATS, g.format)} · up to ${g.capacity} people`),
          h("p", {}, "Facilitators: ", (g.facilitators || []).map((f) => f.display_name).join(", ") || "none yet"),
          h("button", { type: "button", class: "secondary small", onclick: () => openForm(g), "aria-label": `Edit ${g.name}` }, "Edit")))));
    } catch (error) {
      showError(errors, error);
    }
  }

  async function openForm(group) {
    clearError(errors);
    let defaults;
    try {
      // a quick click must not open a form without the facilitators' boxes or the defaults
      [defaults] = await Promise.all([defaultsReady, firstLoad]);
    } catch (error) {
      showError(errors, error);
      return;
    }
    mount(formSlot, groupForm({ group, users, defaults, onSaved: async () => { mount(formSlot, newButton()); await refresh(); }, onCancel: () => mount(formSlot, newButton()) }));
    formSlot.querySelector("input").focus();
  }
  const newButton = () => h("p", {}, h("button", { type: "button", onclick: () => openForm(null) }, "New group"));
  const firstLoad = refresh();
  mount(formSlot, newButton());
  await firstLoad;
}

function groupForm({ group, users, defaults, onSaved, onCancel }) {
  const name = field("Name", { value: group?.name || "", required: true, maxlength: 120, id: "group-name" });
  const description = field("Description", { kind: "textarea", value: group?.description || "", id: "group-description",
    hint: "Peers see this on the invite page. Describe what the group is for, not who the people are." });
  const audience = field("Audience", { kind: "select", options: AUDIENCES, value: group?.audience || "mixed", id: "group-audience" });
  const format = field("Format", { kind: "select", options: FORMATS, value: group?.format || "drop_in", id: "group-format" });
  const capacity = field("Capacity (peers)", { type: "number", value: String(group?.capacity ?? defaults.capacity), min: defaults.min_capacity, id: "group-capacity",
    hint: `Groups are small by design: at most ${defaults.max_capacity}.` });

  const rulesList = h("ol", { class: "stack" });
  let ruleCounter = 0;
  function addRule(text = "") {
    const id = `rule-${++ruleCounter}`;
    const input = h("input", { type: "text", id, value: text, maxlength: 300, class: "rule-input" });
    const li = h("li", { class: "row" },
      h("label", { for: id, class: "visually-hidden" }, "Ground rule"),
      h("div", { class: "row-grow" }, input),
      h("button", { type: "button", class: "small secondary", "aria-label": "Move rule up", onclick: () => li.previousElementSibling && li.parentNode.insertBefore(li, li.previousElementSibling) }, "↑"),
      h("button", { type: "button", class: "small secondary", "aria-label": "Remove this rule", onclick: () => li.remove() }, "Remove"));
    rulesList.append(li);
    return input;
  }
  for (const rule of group ? group.ground_rules : defaults.ground_rules) addRule(rule);
  const rules = h("fieldset", {},
    h("legend", {}, "Ground rules"),
    h("p", { class: "hint" }, "Peers read and accept these before they wait in the lobby. One rule per line."),
    rulesList,
    h("button", { type: "button", class: "small secondary", onclick: () => addRule().focus() }, "Add a rule"));

  const contactPolicy = field("Safeguarding contact", { kind: "select", options: CONTACT_POLICIES, value: group?.contact_policy || "off", id: "group-contact-policy",
    hint: "A phone number or email a peer leaves so facilitators can check on them. Only this group's facilitators can see it; every view is recorded." });
  const retention = field("Keep incidents for (days)", { type: "number", min: 1, max: 3650, value: String(group?.retention_days ?? 180), id: "group-retention" });
  const muteAfter = field("Mute chat after this many breaches", { type: "number", min: 1, value: group?.breach_policy?.mute_after ?? "", id: "group-mute-after", hint: "Per person per session. Leave empty to only remind." });
  const removeAfter = field("Remove after this many breaches", { type: "number", min: 1, value: group?.breach_policy?.remove_after ?? "", id: "group-remove-after", hint: "Must be more than the mute count. Leave empty to never remove automatically." });
  const safety = h("fieldset", {},
    h("legend", {}, "Safety"),
    contactPolicy.wrap, retention.wrap, h("div", { class: "row" }, muteAfter.wrap, removeAfter.wrap));

  const assigned = new Set((group?.facilitators || []).map((f) => f.id));
  const facilitatorBoxes = facilitatorsOf(users).map((u) => {
    const id = `fac-${u.id}`;
    return { id: u.id, box: h("input", { type: "checkbox", id, checked: assigned.has(u.id) }),
      label: `${u.display_name}${u.pronouns ? ` (${u.pronouns})` : ""}` };
  });
  const facilitators = h("fieldset", {},
    h("legend", {}, "Facilitators of this group"),
    facilitatorBoxes.length === 0 ? h("p", { class: "hint" }, "No facilitators yet: add them on the Facilitators page.") :
      facilitatorBoxes.map((f) => h("label", { class: "checkbox", for: `fac-${f.id}` }, f.box, f.label)));

  const errors = h("div", {});
  const save = h("button", { type: "submit" }, group ? "Save changes" : "Create group");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "group-form-heading" },
    h("h2", { id: "group-form-heading" }, group ? `Edit ${group.name}` : "New group"),
    name.wrap, description.wrap, h("div", { class: "row" }, audience.wrap, format.wrap, capacity.wrap),
    rules, safety, facilitators, errors,
    h("div", { class: "row" }, save, h("button", { type: "button", class: "secondary", onclick: onCancel }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errors);
    save.disabled = true;
    const payload = groupPayload({
      name: name.input.value, description: description.input.value, audience: audience.input.value,
      format: format.input.value, capacity: capacity.input.value,
      rules: [...rulesList.querySelectorAll("input")].map((i) => i.value),
      facilitatorIds: facilitatorBoxes.filter((f) => f.box.checked).map((f) => f.id),
      contactPolicy: contactPolicy.input.value, retentionDays: retention.input.value,
      muteAfter: muteAfter.input.value, removeAfter: removeAfter.input.value,
    });
    try {
      if (group) {
        const { facilitator_ids: ids, ...fields } = payload;
        await adminApi.updateGroup(group.id, fields);
        await adminApi.setGroupFacilitators(group.id, ids);
        rememberGroup(group.id);
      } else {
        rememberGroup((await adminApi.createGroup(payload)).id);
      }
      await onSaved();
    } catch (error) {
      showError(errors, error);
      save.disabled = false;
    }
  });
  return form;
}
