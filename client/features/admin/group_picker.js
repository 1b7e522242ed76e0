// A labelled group selector shared by the sessions and invites pages.
import { h } from "../../lib/dom.js";

export function groupPicker(groups, id, onChange) {
  const select = h("select", { id },
    groups.map((g) => h("option", { value: g.id }, g.name)));
  select.addEventListener("change", () => onChange(groups.find((g) => g.id === select.value)));
  return { el: h("div", { class: "field" }, h("label", { for: id }, "Group"), select), select };
}
