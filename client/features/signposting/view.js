// Admin page: the support services every peer screen lists under the National Gambling Helpline.
import { h, mount, focusHeading } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { fetchSignposting, saveResources } from "./api.js";

let rowCounter = 0;

function resourceRow(resource = {}) {
  const id = `res-${++rowCounter}`;
  const input = (name, label, attrs = {}) => {
    const el = h("input", { type: "text", id: `${id}-${name}`, value: resource[name] || "", "data-field": name, ...attrs });
    return h("div", { class: "field" }, h("label", { for: `${id}-${name}` }, label), el);
  };
  const crisis = h("input", { type: "checkbox", id: `${id}-crisis`, checked: Boolean(resource.crisis), "data-field": "crisis" });
  const li = h("li", { class: "card stack" },
    input("name", "Name", { maxlength: 120 }),
    input("description", "Description", { maxlength: 500 }),
    h("div", { class: "row" }, input("phone", "Phone", { maxlength: 40 }), input("url", "Web address", { maxlength: 500, type: "url" })),
    h("label", { class: "checkbox", for: `${id}-crisis` }, crisis, "Crisis resource (also shown when a peer asks for support)"),
    h("button", { type: "button", class: "small secondary", onclick: () => li.remove() }, "Remove this resource"));
  return li;
}

function readRow(li) {
  const value = (name) => li.querySelector(`[data-field=${name}]`);
  const text = (name) => value(name).value.trim() || null;
  return { name: value("name").value.trim(), description: value("description").value.trim(), phone: text("phone"), url: text("url"), crisis: value("crisis").checked };
}

export async function renderSignpostingAdmin(container) {
  const errors = h("div", {});
  const saved = h("div", { role: "status", "aria-live": "polite" });
  const list = h("ol", { class: "plain stack" });
  const form = h("form", { class: "stack", novalidate: true },
    list,
    h("button", { type: "button", class: "secondary", onclick: () => list.append(resourceRow()) }, "Add a resource"),
    errors, saved,
    h("button", { type: "submit" }, "Save resources"));
  mount(container, h("h1", {}, "Signposting"),
    h("p", {}, "Peers always see the National Gambling Helpline first. These resources follow it on every peer screen; if the list is empty, peers see the app's built-in list."),
    form);
  focusHeading(container);
  try {
    const data = await fetchSignposting();
    for (const r of data.resources) list.append(resourceRow(r));
  } catch (error) {
    showError(errors, error);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errors);
    saved.replaceChildren();
    try {
      await saveResources([...list.children].map(readRow));
      mount(saved, h("p", { class: "notice notice-success" }, "Saved. Peers see the new list on their next page load."));
    } catch (error) {
      showError(errors, error);
    }
  });
}
