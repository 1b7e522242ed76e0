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
  const heading = h("h2", { id: `${panelId}-heading`, tabindex: "-1" }, "Support, right now");
  const panel = h("section", { id: panelId, class: "card support-panel", hidden: true, "aria-labelledby": `${panelId}-heading` },
    heading,
    h("p", {}, "You can talk to someone at any time, even in the middle of a session. You don't have to explain anything here."),
    h("p", { class: "helpline-number" },
      h("a", { href: HELPLINE.tel }, `${HELPLINE.name}: ${HELPLINE.number} (${HELPLINE.note})`)),
    h("p", { class: "hint" }, "Calls are free from mobiles and landlines. You can also use the live chat at GamCare."),
    h("h3", {}, "Other places that can help"),
    h("ul", {}, resources.map((r) => h("li", {},
      h("a", { href: r.url, target: "_blank", rel: "noopener noreferrer" }, r.name), ` — ${r.description}`))),
    h("p", { class: "hint" }, "If you are in immediate danger, call 999."),
    closeButton);

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
  return { open, close };
}
