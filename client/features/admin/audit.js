// Admin: the audit log, newest first, rendered as text.
import { h, mount, focusHeading, formatDateTime } from "../../lib/dom.js";
import { showError } from "../../lib/api.js";
import * as adminApi from "./api.js";

export async function renderAudit(container) {
  const errors = h("div", {});
  const table = h("div", { class: "table-wrap" });
  mount(container, h("h1", {}, "Audit log"), errors, table);
  focusHeading(container);
  try {
    const entries = await adminApi.listAudit();
    mount(table, entries.length === 0 ? h("p", {}, "Nothing recorded yet.") : h("table", {},
      h("thead", {}, h("tr", {}, ["When", "Who", "What", "Subject", "Details"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, entries.map((e) => h("tr", {},
        h("td", {}, formatDateTime(e.at)),
        h("td", {}, e.actor_email || "system"),
        h("td", {}, e.action),
        h("td", {}, [e.target_type, e.target_id].filter(Boolean).join(" ")),
        h("td", {}, detailsText(e.details)))))));
  } catch (error) {
    showError(errors, error);
  }
}

function detailsText(details) {
  return Object.entries(details || {}).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ");
}
