// The facilitator's session controls: state, open lobby, go live (with the solo-reason dialog),
// end session.
import { h, mount } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { confirmDialog, promptDialog } from "../../lib/dialog.js";
import { STATE_LABELS, canManageLobby, isLead } from "./state.js";
import { ROLE_LABELS } from "../room/state.js";

/**
 * actions: {openLobby(), goLive(soloReason?), endSession()} each returning a promise of the ack.
 */
export function createSessionControls({ title, subtitle, actions }) {
  const stateText = h("p", { role: "status", "aria-live": "polite", "data-testid": "session-state" });
  const roleText = h("p", { class: "hint" });
  const soloText = h("p", { class: "hint" });
  const buttons = h("div", { class: "row session-actions" });
  const errors = h("div", {});
  const el = h("section", { class: "card session-controls", "aria-labelledby": "console-heading" },
    h("div", { class: "session-summary" },
      h("h1", { id: "console-heading" }, title),
      subtitle ? h("p", { class: "hint" }, subtitle) : null,
      h("div", { class: "session-facts" }, stateText, roleText),
      soloText, errors),
    buttons);

  const run = (fn) => async () => {
    clearError(errors);
    try { await fn(); } catch (error) { showError(errors, error); }
  };

  async function goLiveFlow() {
    try {
      await actions.goLive();
    } catch (error) {
      if (error.code !== "co_absent") throw error;
      const reason = await promptDialog({
        title: "Go live without your co-facilitator?",
        body: error.message,
        label: "Why are you going live alone? This is recorded.",
        confirmLabel: "Record reason and go live",
        cancelLabel: "Wait for them",
      });
      if (reason) await actions.goLive(reason);
    }
  }

  async function endFlow() {
    const ok = await confirmDialog({
      title: "End this session?",
      body: "Everyone will see that the session has ended, with signposting to support. This cannot be undone.",
      confirmLabel: "End session", danger: true,
    });
    if (ok) await actions.endSession();
  }

  function render({ session, me, connected }) {
    if (!session || !me) {
      stateText.textContent = connected ? "Joining…" : "Connecting…";
      buttons.replaceChildren();
      return;
    }
    stateText.textContent = `Status: ${STATE_LABELS[session.state] || session.state}`;
    roleText.textContent = `Your role: ${ROLE_LABELS[me.role] || me.role}`;
    soloText.textContent = session.solo_reason ? `Running without a co-facilitator: ${session.solo_reason}` : "";
    const list = [];
    if (canManageLobby(me.role) && session.state === "scheduled") {
      list.push(h("button", { type: "button", onclick: run(actions.openLobby) }, "Open lobby"));
    }
    if (isLead(me.role) && (session.state === "scheduled" || session.state === "lobby_open")) {
      list.push(h("button", { type: "button", onclick: run(goLiveFlow) }, "Go live"));
    }
    if (isLead(me.role) && session.state !== "ended") {
      list.push(h("button", { type: "button", class: "danger", onclick: run(endFlow) }, "End session"));
    }
    mount(buttons, list);
  }
  return { el, render };
}
