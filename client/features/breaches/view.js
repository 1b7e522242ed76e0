// Marking a breach (choose the rule) and the peer's private reminder.
import { h } from "../../lib/dom.js";

const ACTION_WORDS = { remind: "reminded privately", mute: "reminded; chat muted for this session", remove: "removed from the session" };

/** Ask which ground rule was breached. Resolves the rule's index, or null when cancelled. */
export function chooseRuleDialog({ pseudonym, rules }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    const select = h("select", { id: `${titleId}-rule` }, rules.map((text, i) => h("option", { value: String(i) }, `${i + 1}. ${text}`)));
    const form = h("form", { method: "dialog" },
      h("h2", { id: titleId }, `Mark a ground-rule breach by ${pseudonym}`),
      h("p", {}, "They get a private, kind reminder of the rule. The group's policy may mute or remove them after repeated breaches. This is recorded."),
      h("div", { class: "field" }, h("label", { for: `${titleId}-rule` }, "Which rule?"), select),
      h("div", { class: "row" },
        h("button", { type: "submit" }, "Mark breach"),
        h("button", { type: "button", class: "secondary", onclick: () => close(null) }, "Cancel")));
    const dialog = h("dialog", { "aria-labelledby": titleId }, form);
    form.addEventListener("submit", (event) => { event.preventDefault(); close(Number.parseInt(select.value, 10)); });
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(null); });
    function close(result) { dialog.close(); dialog.remove(); resolve(result); }
    document.body.append(dialog);
    dialog.showModal();
    select.focus();
  });
}

/** The peer's private reminder (text only). */
export function renderReminder(reminder) {
  return h("div", { class: "notice notice-info", role: "status", "data-testid": "breach-reminder" }, h("p", {}, reminder.message));
}

/** A line for the facilitators' console after a breach was marked. */
export const describeBreach = (b) =>
  `${b.pseudonym}: breach ${b.breach_count} of rule ${b.rule_index + 1}, ${ACTION_WORDS[b.action] || b.action} (marked by ${b.by_name}).`;
