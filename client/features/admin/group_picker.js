// A labelled group selector shared by the sessions and invites pages. It opens on the group the
// admin last worked with (created, edited or picked) in this tab, so a new group's sessions and
// invites are one click away; the server lists groups by name, so "the first" is rarely that one.
import { h, mount, focusHeading } from "../../lib/dom.js";
import { showError } from "../../lib/api.js";
import * as adminApi from "./api.js";
import { pickGroup } from "./state.js";

const CURRENT_GROUP_KEY = "holdspace.admin.group";

export function rememberGroup(groupId) {
  try { sessionStorage.setItem(CURRENT_GROUP_KEY, groupId); } catch { /* storage off: first group */ }
}

function rememberedGroupId() {
  try { return sessionStorage.getItem(CURRENT_GROUP_KEY); } catch { return null; }
}

/** The group to show first: the remembered one if it is still listed, else the first. */
export const currentGroup = (groups) => pickGroup(groups, rememberedGroupId());

export function groupPicker(groups, id, onChange) {
  const select = h("select", { id },
    groups.map((g) => h("option", { value: g.id }, g.name)));
  const current = currentGroup(groups);
  if (current) select.value = current.id;
  select.addEventListener("change", () => {
    rememberGroup(select.value);
    onChange(groups.find((g) => g.id === select.value));
  });
  return { el: h("div", { class: "field" }, h("label", { for: id }, "Group"), select), select };
}

/**
 * A page about one group at a time (sessions, invites): heading, group picker, and a body that
 * `show(group, body, errors)` fills; it opens on the group the admin last worked with.
 */
export async function renderGroupPage(container, title, pickerId, show) {
  const errors = h("div", {});
  mount(container, h("h1", {}, title), errors);
  focusHeading(container);
  let groups;
  try {
    groups = await adminApi.listGroups();
  } catch (error) {
    showError(errors, error);
    return;
  }
  if (groups.length === 0) {
    container.append(h("p", {}, "Create a group first."));
    return;
  }
  const body = h("div", {});
  const picker = groupPicker(groups, pickerId, (g) => show(g, body, errors));
  container.append(picker.el, body);
  await show(currentGroup(groups), body, errors);
}
