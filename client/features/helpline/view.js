// The "Get support now" button and its panel: one click from every peer screen.
import { h } from "../../lib/dom.js";
import { HELPLINE, DEFAULT_RESOURCES } from "./state.js";

/**
 * Mount the button into `buttonSlot` and the panel into `panelSlot`. Returns {open, close}.
 */
export function mountSupport(buttonSlot, panelSlot, { resources = DEFAULT_RESOURCES } = {}) {
  const panelId = "support-panel";
  const button = h("button", {
    type: "button", class: "support-button", "aria-expanded": "false", "aria-controls": panelId,
    "data-testid": "support-button",
  }, "Get support now");
  const closeButton = h("button", { type: "button", class: "secondary small" }, "Close support information");
  const list = h("ul", {});
  const heading = h("h2", { id: `${panelId}-heading`, tabindex: "-1" }, "Support, right now");
  const panel = h("section", { id: panelId, class: "card support-panel", hidden: true, "aria-labelledby": `${panelId}-heading` },
    heading,
    h("p", {}, "You can talk to someone at any time, even in the middle of a session. You don't have to explain anything here."),
    h("p", { class: "helpline-number" },
      h("a", { href: HELPLINE.tel }, `${HELPLINE.name}: ${HELPLINE.number} (${HELPLINE.note})`)),
    h("p", { class: "hint" }, "Calls are free from mobiles and landlines. You can also use the live chat at GamCare."),
    h("h3", {}, "Other places that can help"),
    list,
    h("p", { class: "hint" }, "If you are in immediate danger, call 999."),
    closeButton);

  /** Show `items` (the admin's list from GET /api/signposting); the built-in list when empty. */
  function setResources(items) {
    const shown = items && items.length ? items : DEFAULT_RESOURCES;
    list.replaceChildren(...shown.map(resourceItem));
  }
  setResources(resources);

  function open() {
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    heading.focus();
  }
  function close() {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
  button.addEventListener("click", () => (panel.hidden ? open() : close()));
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
  buttonSlot.replaceChildren(button);
  panelSlot.replaceChildren(panel);
  return { open, close, setResources };
}

function resourceItem(r) {
  const name = r.url ? h("a", { href: r.url, target: "_blank", rel: "noopener noreferrer" }, r.name) : r.name;
  return h("li", {}, name,
    r.description ? ` — ${r.description}` : "",
    r.phone ? [" · ", h("a", { href: `tel:${r.phone.replace(/[^0-9+]/g, "")}` }, r.phone)] : null);
}
