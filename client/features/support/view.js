// The peer's "I need support" button with its acknowledgement, and the console's alerts panel.
import { h, mount, formatTime } from "../../lib/dom.js";
import { showError } from "../../lib/api.js";
import { isRateLimited } from "../../lib/socket.js";
import { BREAKOUT_UNAVAILABLE, canOpenBreakout, onOpenBreakout } from "./breakout.js";

function resourceLine(r) {
  const parts = [r.name];
  if (r.description) parts.push(` — ${r.description}`);
  return h("li", {},
    ...parts,
    r.phone ? [" · ", h("a", { href: `tel:${r.phone.replace(/[^0-9+]/g, "")}` }, r.phone)] : null,
    r.url ? [" · ", h("a", { href: r.url, target: "_blank", rel: "noopener noreferrer" }, "website")] : null);
}

/** The acknowledgement a peer sees after asking for support (message, helpline, crisis list). */
export function renderAcknowledgement(ack) {
  const helpline = ack.helpline || {};
  return h("section", { class: "notice notice-success stack", role: "status", "data-testid": "support-ack" },
    h("p", {}, ack.message),
    h("p", { class: "helpline-number" },
      h("a", { href: helpline.tel }, `${helpline.name}: ${helpline.phone} (${helpline.note})`)),
    (ack.resources || []).length ? h("ul", {}, ack.resources.map(resourceLine)) : null,
    h("p", { class: "hint" }, "If you are in immediate danger, call 999."));
}

const ALREADY_ASKED = "Your facilitators already know you asked for support. They will be with you as soon as they can.";

/**
 * Mount the peer's safety bar into `slot`: the "I need support" button (shown once joined),
 * the acknowledgement, and private reminders. Returns {setAvailable, showAcknowledgement, showNotice}.
 */
export function mountSupportRequest(slot, { request }) {
  const errors = h("div", {});
  const ackSlot = h("div", { "aria-live": "polite" });
  const noticeSlot = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "secondary", "data-testid": "need-support" }, "I need support");
  const hintId = "need-support-hint";
  button.setAttribute("aria-describedby", hintId);
  const bar = h("section", { class: "safety-bar", "aria-label": "Ask a facilitator for support", hidden: true },
    h("div", { class: "row" }, button,
      h("p", { class: "hint row-grow", id: hintId }, "Tells only the facilitators, privately.")),
    errors, ackSlot);
  let acknowledged = false;
  button.addEventListener("click", async () => {
    errors.replaceChildren();
    button.disabled = true;
    try {
      const answer = await request();
      showAcknowledgement(answer.acknowledgement);
    } catch (error) {
      // pressed again and again: the first request stands, so reassure rather than say "wait"
      showError(errors, isRateLimited(error) && acknowledged ? { code: error.code, message: ALREADY_ASKED } : error);
    } finally {
      button.disabled = false;
    }
  });
  function showAcknowledgement(ack) {
    if (!ack) return;
    acknowledged = true;
    const shown = renderAcknowledgement(ack);
    shown.append(h("button", { type: "button", class: "small secondary", onclick: () => { ackSlot.replaceChildren(); button.focus(); } }, "Hide this message"));
    mount(ackSlot, shown);
    shown.scrollIntoView({ block: "nearest" }); // pressed while scrolled down: show the answer
  }
  function showNotice(node) {
    mount(noticeSlot, node);
  }
  slot.replaceChildren(noticeSlot, bar);
  return {
    setAvailable(available) { bar.hidden = !available; },
    showAcknowledgement,
    showNotice,
  };
}

/**
 * The console's alerts panel. actions: {onDismiss(key), onShowContact(alert), onMarkDone(alert)}.
 */
export function createAlertsPanel({ onDismiss, onShowContact }) {
  const list = h("ul", { class: "plain stack" });
  const el = h("section", { class: "card private-panel", "aria-labelledby": "alerts-heading", "data-testid": "support-alerts" },
    h("h2", { id: "alerts-heading" }, "Support alerts"),
    h("p", { class: "private-label" }, "Only facilitators see this."),
    list);
  function render(items) {
    mount(list, items.length === 0 ? h("li", { class: "hint" }, "No one has asked for support.") :
      items.map((item) => (item.kind === "support" ? supportItem(item) : followUpItem(item))));
  }
  function supportItem(item) {
    const breakout = h("button", { type: "button", class: "small", "aria-label": `Open breakout with ${item.pseudonym}`, onclick: () => onOpenBreakout(item.member_id) }, "Open breakout");
    if (!canOpenBreakout()) {
      breakout.disabled = true;
      breakout.title = BREAKOUT_UNAVAILABLE;
      breakout.setAttribute("aria-label", `Open breakout (${BREAKOUT_UNAVAILABLE})`);
    }
    return h("li", { class: "notice notice-error stack", role: "alert", "data-member-id": item.member_id },
      h("p", {}, h("strong", {}, item.pseudonym), ` asked for support at ${formatTime(item.at_ms)}.`),
      h("div", { class: "row" }, breakout,
        h("button", { type: "button", class: "small secondary", "aria-label": `Dismiss ${item.pseudonym}'s alert`, onclick: () => onDismiss(item.key) }, "Dismiss")));
  }
  function followUpItem(item) {
    const when = item.reason === "left_during_breakout" ? "during a breakout" : "after asking for support";
    return h("li", { class: "notice notice-error stack", role: "alert", "data-member-id": item.member_id },
      h("p", {}, h("strong", {}, item.pseudonym), ` left ${when}. Please follow up:`),
      h("ol", {}, item.checklist.map((step) => h("li", {}, step))),
      h("div", { class: "row" },
        item.has_contact
          ? h("button", { type: "button", class: "small", "aria-label": `Show ${item.pseudonym}'s contact`, onclick: () => onShowContact(item) }, "Show contact")
          : h("p", { class: "hint" }, "They left no contact details."),
        h("button", { type: "button", class: "small secondary", "aria-label": `Done following up ${item.pseudonym}`, onclick: () => onDismiss(item.key) }, "Done")));
  }
  return { el, render };
}
