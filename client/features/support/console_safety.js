// Everything safety in the facilitator console, wired in one place so console.js only mounts
// the panels and passes two action builders to the chat and participants panels:
// support alerts (with the "Open breakout" hook), follow-up prompts, marking breaches,
// "Show contact", and the incidents of this session.
import { h } from "../../lib/dom.js";
import { createStore } from "../../lib/store.js";
import { initialAlerts, addAlert, dismissAlert } from "./state.js";
import { onSupportRequested, onFollowUp } from "./socket.js";
import { createAlertsPanel } from "./view.js";
import { markBreach, onBreachRecorded } from "../breaches/socket.js";
import { chooseRuleDialog, describeBreach } from "../breaches/view.js";
import { showContactFlow } from "../contacts/view.js";
import { initialIncidents, replaceIncidents, upsertIncident } from "../incidents/state.js";
import { listIncidents } from "../incidents/api.js";
import { createIncidentsPanel } from "../incidents/view.js";

const MAY_MARK = new Set(["lead", "co"]);

/**
 * session: an item of /api/me/sessions ({id, group_id}); getSocket(); getRole(); getRules().
 * Returns {panels, messageActions(message), personActions(person), attach(socket)}.
 */
export function createConsoleSafety({ session, getSocket, getRole, getRules }) {
  const store = createStore({ alerts: initialAlerts, incidents: initialIncidents });
  const status = h("div", { role: "status", "aria-live": "polite", "data-testid": "breach-status" });
  const alerts = createAlertsPanel({
    onDismiss: (key) => store.apply((s) => ({ ...s, alerts: dismissAlert(s.alerts, key) })),
    onShowContact: (alert) => showContactFlow(alert.member_id, alert.pseudonym),
  });
  const incidents = createIncidentsPanel({
    onChanged: (incident) => store.apply((s) => ({ ...s, incidents: upsertIncident(s.incidents, incident) })),
  });
  store.subscribe((state, previous) => {
    if (state.alerts !== previous.alerts) alerts.render(state.alerts.items);
    if (state.incidents !== previous.incidents) incidents.render(state.incidents.items);
  });
  alerts.render([]);
  incidents.render([]);

  async function mark(memberId, pseudonym, messageId) {
    const rules = getRules() || [];
    const rule = await chooseRuleDialog({ pseudonym, rules });
    if (rule === null) return;
    try {
      await markBreach(getSocket(), memberId, rule, messageId);
    } catch (error) {
      incidents.showError(error);
    }
  }

  function messageActions(message) {
    if (message.sender_role !== "peer" || !MAY_MARK.has(getRole())) return null;
    return h("button", {
      type: "button", class: "small secondary chat-action",
      "aria-label": `Mark a ground-rule breach in ${message.sender_name}'s message`,
      onclick: () => mark(message.sender_id, message.sender_name, message.id),
    }, "Mark breach");
  }

  function personActions(person) {
    return [
      MAY_MARK.has(getRole()) ? h("button", { type: "button", class: "small secondary", "aria-label": `Mark a ground-rule breach by ${person.name}`, onclick: () => mark(person.id, person.name, null) }, "Mark breach") : null,
      h("button", { type: "button", class: "small secondary", "aria-label": `Show ${person.name}'s contact`, onclick: () => showContactFlow(person.id, person.name) }, "Show contact"),
    ];
  }

  async function refreshIncidents() {
    try {
      const data = await listIncidents(session.group_id, session.id);
      store.apply((s) => ({ ...s, incidents: replaceIncidents(s.incidents, data.incidents) }));
    } catch (error) {
      incidents.showError(error);
    }
  }

  function attach(socket) {
    onSupportRequested(socket, (payload) => {
      if (payload.session_id === session.id) store.apply((s) => ({ ...s, alerts: addAlert(s.alerts, "support", payload) }));
    });
    onFollowUp(socket, (payload) => {
      if (payload.session_id === session.id) store.apply((s) => ({ ...s, alerts: addAlert(s.alerts, "follow_up", payload) }));
    });
    onBreachRecorded(socket, (payload) => {
      if (payload.session_id === session.id) status.replaceChildren(h("p", { class: "notice notice-info" }, describeBreach(payload)));
    });
    socket.on("incident:recorded", (payload) => {
      if (payload.session_id === session.id) store.apply((s) => ({ ...s, incidents: upsertIncident(s.incidents, payload.incident) }));
    });
    refreshIncidents();
  }

  return { panels: [status, alerts.el, incidents.el], messageActions, personActions, attach };
}
