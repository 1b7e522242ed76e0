// The facilitator console for one session: controls, lobby, participants, chat, backchannel.
import { h, mount, focusHeading } from "../lib/dom.js";
import { showError } from "../lib/api.js";
import { createStore } from "../lib/store.js";
import { connectSession } from "../lib/socket.js";
import { confirmDialog } from "../lib/dialog.js";
import { initialSession, applyJoin, applySessionState, applySession, setConnected, canManageLobby, isLead } from "../features/session/state.js";
import { joinSession, openLobby, goLive, endSession, onSessionState } from "../features/session/socket.js";
import { createSessionControls } from "../features/session/view.js";
import { initialLobby, applyLobbyUpdated } from "../features/lobby/state.js";
import { admit, decline, onLobbyUpdated } from "../features/lobby/socket.js";
import { createLobbyPanel } from "../features/lobby/view.js";
import { initialRoom, applySnapshot, applyParticipants } from "../features/room/state.js";
import { removeParticipant, onParticipants } from "../features/room/socket.js";
import { createParticipantsPanel } from "../features/room/view.js";
import { initialChat, addMessage, replaceFromSnapshot } from "../features/chat/state.js";
import { sendChat, onChatMessage } from "../features/chat/socket.js";
import { createChatPanel } from "../features/chat/view.js";
import { initialBackchannel, addMessage as addPrivateMessage } from "../features/backchannel/state.js";
import { sendBackchannel, onBackchannelMessage } from "../features/backchannel/socket.js";
import { createBackchannelPanel } from "../features/backchannel/view.js";
import { initialTriggers, addAlert, addHeld, replaceHeld, resolveHeld } from "../features/trigger/state.js";
import { onAlert, onHeld, onResolved, approveHeld, rejectHeld } from "../features/trigger/socket.js";
import { createTriggerPanel } from "../features/trigger/view.js";
import { createConsoleSafety } from "../features/support/console_safety.js";
import { createStaffBalance } from "./balance.js";
import { createConsoleBreakouts } from "../features/breakouts/console_breakouts.js";
import { createMediaPanel } from "../features/media/view.js";

/** Mount the console for `session` (an item of /api/me/sessions). Returns a close() function. */
export function openConsole(container, session) {
  const store = createStore({ session: initialSession, lobby: initialLobby, room: initialRoom, chat: initialChat, backchannel: initialBackchannel, triggers: initialTriggers });
  const slice = (key, change) => (state, ...args) => {
    const next = change(state[key], ...args);
    return next === state[key] ? state : { ...state, [key]: next };
  };
  let socket = null;
  const connection = h("div", { role: "status", "aria-live": "polite" });

  const controls = createSessionControls({
    title: session.theme ? `${session.group_name}: ${session.theme}` : session.group_name,
    subtitle: "Facilitator console",
    actions: {
      openLobby: async () => store.apply(slice("session", applySession), (await openLobby(socket)).session),
      goLive: async (reason) => store.apply(slice("session", applySession), (await goLive(socket, reason)).session),
      endSession: async () => store.apply(slice("session", applySession), (await endSession(socket)).session),
    },
  });
  const lobby = createLobbyPanel({
    onAdmit: (memberId, message) => admit(socket, memberId, message),
    onDecline: (memberId, message) => decline(socket, memberId, message),
  });
  const participants = createParticipantsPanel({
    title: "Participants",
    onRemove: async (person) => {
      const ok = await confirmDialog({
        title: `Remove ${person.name}?`,
        body: "They leave the session at once and see a kind message with support information. This is recorded in the audit log.",
        confirmLabel: `Remove ${person.name}`, danger: true,
      });
      if (ok) {
        try { await removeParticipant(socket, person.id); } catch (error) { showError(connection, error); }
      }
    },
  });
  const safety = createConsoleSafety({
    session, getSocket: () => socket,
    getRole: () => store.get().session.me?.role, getRules: () => store.get().session.group?.ground_rules,
  });
  const breakouts = createConsoleBreakouts({
    getSocket: () => socket,
    getMe: () => ({ id: store.get().session.me?.id, role: store.get().session.me?.role }),
    getParticipants: () => store.get().room.participants,
    onRoomMoved: (room) => { store.apply(slice("room", applySnapshot), room); store.apply(slice("chat", replaceFromSnapshot), room); },
    onRoleChanged: (role) => store.apply(slice("session", (s) => (s.me ? { ...s, me: { ...s.me, role } } : s))),
    reportError: (error) => showError(connection, error),
  });
  const chat = createChatPanel({ onSend: async (text) => store.apply(slice("chat", addMessage), (await sendChat(socket, text)).message), messageActions: safety.messageActions });
  const balance = createStaffBalance({ sessionId: session.id, getRole: () => store.get().session.me?.role });
  const backchannel = createBackchannelPanel({ onSend: async (text) => store.apply(slice("backchannel", addPrivateMessage), (await sendBackchannel(socket, text)).message) });
  const triggerPanel = createTriggerPanel({
    canRelease: (role) => canManageLobby(role),
    onApprove: async (heldId, masked) => { await approveHeld(socket, heldId, masked); store.apply(slice("triggers", resolveHeld), heldId); },
    onReject: async (heldId) => { await rejectHeld(socket, heldId); store.apply(slice("triggers", resolveHeld), heldId); },
  });

  const media = createMediaPanel({ getSocket: () => socket });
  // Three columns, left to right in the order a lead or co looks: who is here, the room, alerts.
  const [breachStatus, alertsPanel, incidentsPanel] = safety.panels;
  mount(container,
    h("p", {}, h("a", { href: "#/sessions" }, "← My sessions")),
    connection, controls.el,
    h("div", { class: "console-layout" },
      h("div", { class: "console-col console-people" }, lobby.el, participants.el, ...breakouts.panels),
      h("div", { class: "console-col console-room" }, ...breakouts.banners, media.el, chat.el, balance.el),
      h("div", { class: "console-col console-safety" }, breachStatus, alertsPanel, triggerPanel.el, backchannel.el, incidentsPanel)));
  focusHeading(container);

  // Re-render a panel only when its slice changed, so text being typed in it is never lost.
  function render(state, previous) {
    const role = state.session.me && state.session.me.role;
    const roleChanged = !previous || previous.session.me?.role !== role;
    if (!previous || state.session !== previous.session) controls.render(state.session);
    if (roleChanged || state.lobby !== previous.lobby) lobby.render(state.lobby.waiting, { canManage: canManageLobby(role) });
    if (roleChanged || state.room !== previous.room || state.session.session?.state !== previous.session.session?.state) {
      media.render(state.room.participants, { selfName: state.session.me && state.session.me.name });
      participants.render(state.room.participants, { canRemove: isLead(role) && state.session.session?.state !== "ended", meId: state.session.me && state.session.me.id, personActions: (p) => [...safety.personActions(p), breakouts.personAction(p)] });
    }
    if (!previous || state.chat !== previous.chat) chat.render(state.chat.messages);
    if (!previous || state.backchannel !== previous.backchannel) backchannel.render(state.backchannel.messages);
    if (roleChanged || state.triggers !== previous.triggers) triggerPanel.render(state.triggers, { role });
  }
  store.subscribe(render);
  render(store.get(), null);

  socket = connectSession({ session_id: session.id }, {
    onConnect: async () => {
      connection.replaceChildren();
      store.apply(slice("session", setConnected), true);
      try {
        const ack = await joinSession(socket);
        store.apply(slice("session", applyJoin), ack);
        store.apply(slice("triggers", replaceHeld), ack.held);
        breakouts.applyJoin(ack);
        if (ack.room) media.onSocketConnected(); // media closed with the old connection
        if (ack.room) {
          store.apply(slice("room", applySnapshot), ack.room);
          store.apply(slice("chat", replaceFromSnapshot), ack.room);
        }
      } catch (error) {
        showError(connection, error);
      }
    },
    onDisconnect: (reason) => {
      media.onSocketDisconnected();
      store.apply(slice("session", setConnected), false);
      if (reason !== "io client disconnect") mount(connection, h("p", { class: "notice notice-info" }, "Connection lost. Reconnecting…"));
    },
    onRefused: (error) => showError(connection, error),
    onError: (error) => showError(connection, error),
  });
  safety.attach(socket);
  balance.attach(socket);
  breakouts.attach(socket);
  onSessionState(socket, (payload) => store.apply(slice("session", applySessionState), payload));
  onLobbyUpdated(socket, (payload) => {
    if (payload.session_id === session.id) store.apply(slice("lobby", applyLobbyUpdated), payload);
  });
  onParticipants(socket, (payload) => store.apply(slice("room", applyParticipants), payload));
  onChatMessage(socket, (message) => store.apply(slice("chat", addMessage), message));
  onBackchannelMessage(socket, (message) => {
    if (message.session_id === session.id) store.apply(slice("backchannel", addPrivateMessage), message);
  });
  const mine = (handler) => (payload) => { if (payload.session_id === session.id) handler(payload); };
  onAlert(socket, mine((alert) => store.apply(slice("triggers", addAlert), alert)));
  onHeld(socket, mine((held) => store.apply(slice("triggers", addHeld), held)));
  onResolved(socket, mine((resolved) => store.apply(slice("triggers", resolveHeld), resolved.held_id)));

  return () => { media.destroy(); balance.close(); socket.disconnect(); };
}
