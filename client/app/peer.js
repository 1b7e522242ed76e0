// The peer app (join.html): invite -> pseudonym -> ground rules -> waiting room -> room.
import { h, mount, focusHeading } from "../lib/dom.js";
import { showError } from "../lib/api.js";
import { createStore } from "../lib/store.js";
import { connectSession } from "../lib/socket.js";
import { mountSupport } from "../features/helpline/view.js";
import { chooseSession, INVITE_PROBLEMS } from "../features/invite/state.js";
import { fetchInvite, createMember, resumeMember, loadMemberToken, saveMemberToken, forgetMemberToken } from "../features/invite/api.js";
import { renderInviteProblem, renderPseudonymStep, sessionLine } from "../features/invite/view.js";
import { initialSession, applyJoin, applySessionState, setMyStatus } from "../features/session/state.js";
import { joinSession, onSessionState } from "../features/session/socket.js";
import { peerScreenForStatus } from "../features/lobby/state.js";
import { acceptRules, enterLobby, onAdmitted, onDeclined } from "../features/lobby/socket.js";
import { renderRules, renderWaiting, renderLobbyClosed, renderDeclined } from "../features/lobby/view.js";
import { initialRoom, applySnapshot, applyParticipants } from "../features/room/state.js";
import { onParticipants, onRemoved } from "../features/room/socket.js";
import { createParticipantsPanel } from "../features/room/view.js";
import { initialChat, addMessage, replaceFromSnapshot } from "../features/chat/state.js";
import { sendChat, onChatMessage } from "../features/chat/socket.js";
import { createChatPanel } from "../features/chat/view.js";
import { onReminder, onDecided } from "../features/trigger/socket.js";
import { createReminderPanel } from "../features/trigger/view.js";
import { mountSupportRequest } from "../features/support/view.js";
import { requestSupport, onSupportAcknowledged } from "../features/support/socket.js";
import { onBreachReminder } from "../features/breaches/socket.js";
import { renderReminder } from "../features/breaches/view.js";
import { contactStatus, saveContact } from "../features/contacts/socket.js";
import { renderContactStep } from "../features/contacts/view.js";
import { fetchSignposting } from "../features/signposting/api.js";
import { createPeerBalance } from "./balance.js";
import { createPeerBreakouts } from "../features/breakouts/peer_breakouts.js";
import { createMediaPanel } from "../features/media/view.js";

const main = document.getElementById("main");
const connectionStatus = document.getElementById("connection-status");
const inviteToken = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");

const store = createStore({
  screen: "loading",
  screenData: {},
  group: null,
  member: null,
  session: initialSession,
  room: initialRoom,
  chat: initialChat,
  reminder: null,
});
let socket = null;
let roomView = null;
let mediaPanel = null; // lives while the person is in the room, across re-renders
const breakouts = createPeerBreakouts({
  getSocket: () => socket,
  onRoomMoved: (room) => { store.apply(slice("room", applySnapshot), room); store.apply(slice("chat", replaceFromSnapshot), room); },
  reportError: (error) => showError(connectionStatus, error),
});
// "I need support" is there on every screen of a joined peer.
const SUPPORT_SCREENS = new Set(["rules", "contact", "waiting", "closed", "declined", "room"]);
const safetyBar = mountSupportRequest(document.getElementById("safety-slot"), { request: () => requestSupport(socket) });
const balance = createPeerBalance({ getMeId: () => store.get().member?.id || store.get().session.me?.id });

const slice = (key, change) => (state, ...args) => {
  const next = change(state[key], ...args);
  return next === state[key] ? state : { ...state, [key]: next };
};
const showScreen = (screen, screenData = {}) => store.apply((s) => ({ ...s, screen, screenData }));

store.subscribe((state, previous) => {
  safetyBar.setAvailable(SUPPORT_SCREENS.has(state.screen));
  if (state.screen !== previous.screen || state.screenData !== previous.screenData) renderScreen(state);
  else if (state.screen === "room" && roomView) roomView.update(state);
});

function renderScreen(state) {
  roomView = null;
  if (state.screen !== "room" && mediaPanel) { mediaPanel.destroy(); mediaPanel = null; }
  const d = state.screenData;
  let content;
  switch (state.screen) {
    case "problem": content = renderInviteProblem(d.message); break;
    case "pseudonym": content = renderPseudonymStep({ group: state.group, session: d.session, onSubmit: d.onSubmit }); break;
    case "no-session": content = h("section", { class: "card stack" },
      h("h1", {}, state.group ? state.group.name : "No session right now"),
      sessionLine(null)); break;
    case "rules": content = renderRules({
      groupName: state.session.group && state.session.group.name,
      rules: (state.session.group && state.session.group.ground_rules) || (state.group && state.group.ground_rules),
      onAccept: acceptAndEnter,
    }); break;
    case "contact": content = renderContactStep({
      policy: d.policy,
      onSave: async (details) => { await saveContact(socket, details); await tryEnterLobby(); },
      onSkip: () => tryEnterLobby(),
    }); break;
    case "waiting": content = renderWaiting({ pseudonym: state.member ? state.member.pseudonym : "" }); break;
    case "closed": content = renderLobbyClosed({ message: d.message }); break;
    case "declined": content = renderDeclined({ message: d.message, onAskAgain: tryEnterLobby }); break;
    case "removed": content = h("section", { class: "card stack" },
      h("h1", {}, "You are no longer in this session"),
      h("p", {}, "A facilitator has closed your place in this session. Facilitators sometimes need to do this to keep the session safe for everyone, and it can feel hard."),
      h("p", {}, "If you'd like to talk to someone now, the National Gambling Helpline is free and open 24 hours — use the support button at the top."),
      h("p", {}, "You are welcome to come back to a future session.")); break;
    case "ended": content = h("section", { class: "card stack" },
      h("h1", {}, "This session has ended"),
      h("p", {}, "Thank you for being here today. Whatever you shared, or just listened to, mattered."),
      h("p", {}, "Be kind to yourself for the rest of the day. Support is always one tap away at the top of this page.")); break;
    case "room": content = createRoomView(state); break;
    default: content = h("p", {}, "Loading…");
  }
  mount(main, content);
  focusHeading(main);
}

function createRoomView(state) {
  const participants = createParticipantsPanel({ title: "In the room" });
  const reminder = createReminderPanel({
    onEdit: (text) => {
      const input = document.getElementById("chat-input");
      if (input) { input.value = text; input.focus(); }
    },
  });
  const chat = createChatPanel({ onSend: (text) => sendChat(socket, text).then((ack) => store.apply(slice("chat", addMessage), ack.message)) });
  const welcome = state.screenData.message
    ? h("p", { class: "notice notice-success" }, "A message from the facilitator: ", h("q", {}, state.screenData.message)) : null;
  const el = h("div", { class: "stack" },
    h("h1", {}, "You're in the room"),
    h("p", { class: "hint" }, "Share only what you're comfortable with. You can leave at any time by closing this page."),
    ...breakouts.els, welcome, mediaEl(state), balance.el, reminder.el, chat.el, participants.el);
  let shownReminder;
  roomView = {
    update(s) {
      participants.render(s.room.participants, { meId: s.member && s.member.id });
      if (mediaPanel) mediaPanel.render(s.room.participants);
      chat.render(s.chat.messages);
      if (s.reminder !== shownReminder) { shownReminder = s.reminder; reminder.render(s.reminder); }
    },
  };
  roomView.update(state);
  return el;
}

function mediaEl(state) {
  if (!mediaPanel) mediaPanel = createMediaPanel({ getSocket: () => socket, selfName: state.member ? state.member.pseudonym : "You" });
  return mediaPanel.el;
}

async function acceptAndEnter() {
  await acceptRules(socket);
  if (await offerContactStep()) return;
  await tryEnterLobby();
}

/** After the rules: ask for a safeguarding contact when the group wants one (true if asked). */
async function offerContactStep() {
  const status = await contactStatus(socket);
  if (status.contact_policy === "off" || status.has_contact) return false;
  showScreen("contact", { policy: status.contact_policy });
  return true;
}

async function tryEnterLobby() {
  try {
    await enterLobby(socket);
    store.apply(slice("session", setMyStatus), "waiting");
    showScreen("waiting");
  } catch (error) {
    if (error.code === "lobby_closed") showScreen("closed", { message: error.message });
    else if (error.code === "session_ended") showScreen("ended");
    else if (error.code === "rules_not_accepted") showScreen("rules");
    else if (error.code === "contact_required") showScreen("contact", { policy: "required" });
    else throw error;
  }
}

async function onJoined(ack) {
  store.apply(slice("session", applyJoin), ack);
  breakouts.applyJoin(ack);
  if (ack.room) {
    store.apply(slice("room", applySnapshot), ack.room);
    store.apply(slice("chat", replaceFromSnapshot), ack.room);
  }
  const status = ack.me && ack.me.status;
  const target = peerScreenForStatus(status, ack.session && ack.session.state);
  const current = store.get().screen;
  if (target === "rules" && status === "rules_accepted") {
    if (current !== "waiting" && current !== "closed" && current !== "contact") await tryEnterLobby();
    return;
  }
  if (target !== current) showScreen(target);
}

function connect(sessionId, memberToken) {
  socket = connectSession({ session_id: sessionId, member_token: memberToken }, {
    onConnect: async () => {
      connectionStatus.replaceChildren();
      try {
        await onJoined(await joinSession(socket));
        if (mediaPanel) mediaPanel.onSocketConnected(); // media closed with the old connection
      } catch (error) {
        showError(connectionStatus, error);
      }
    },
    onDisconnect: (reason) => {
      if (mediaPanel) mediaPanel.onSocketDisconnected();
      const screen = store.get().screen;
      if (screen === "removed" || screen === "ended" || reason === "io client disconnect") return;
      mount(connectionStatus, h("p", { class: "notice notice-info" }, "Connection lost. Reconnecting…"));
    },
    onRefused: (error) => showError(connectionStatus, error),
    onError: (error) => showError(connectionStatus, error),
  });
  balance.attach(socket);
  onSessionState(socket, (payload) => {
    store.apply(slice("session", applySessionState), payload);
    const screen = store.get().screen;
    if (payload.state === "ended" && screen !== "removed") {
      showScreen("ended");
      socket.disconnect();
    } else if ((payload.state === "lobby_open" || payload.state === "live") && screen === "closed") {
      tryEnterLobby().catch((error) => showError(connectionStatus, error));
    }
  });
  onAdmitted(socket, (payload) => {
    store.apply(slice("session", setMyStatus), "admitted");
    store.apply(slice("room", applySnapshot), payload.room);
    store.apply(slice("chat", replaceFromSnapshot), payload.room);
    showScreen("room", { message: payload.message });
  });
  onDeclined(socket, (payload) => showScreen("declined", { message: payload.message }));
  onParticipants(socket, (payload) => store.apply(slice("room", applyParticipants), payload));
  onChatMessage(socket, (message) => store.apply(slice("chat", addMessage), message));
  breakouts.attach(socket);
  onReminder(socket, (payload) => store.apply((s) => ({ ...s, reminder: payload })));
  onDecided(socket, (payload) => store.apply((s) => ({ ...s, reminder: payload })));
  onSupportAcknowledged(socket, (payload) => safetyBar.showAcknowledgement(payload));
  onBreachReminder(socket, (payload) => safetyBar.showNotice(renderReminder(payload)));
  onRemoved(socket, () => {
    showScreen("removed");
    socket.disconnect();
  });
}

async function start() {
  const support = mountSupport(document.getElementById("support-button-slot"), document.getElementById("support-panel-slot"));
  fetchSignposting().then((data) => support.setResources(data.resources)).catch(() => { /* the built-in list stays */ });
  let info;
  try {
    info = await fetchInvite(inviteToken);
  } catch (error) {
    showScreen("problem", { message: INVITE_PROBLEMS[error.code] || error.message });
    return;
  }
  const group = info.group;
  const session = chooseSession(info.sessions);
  store.apply((s) => ({ ...s, group }));

  let memberToken = loadMemberToken(group.id);
  if (memberToken) {
    try {
      const resumed = await resumeMember(memberToken);
      store.apply((s) => ({ ...s, member: resumed.member }));
    } catch (error) {
      if (error.code === "member_unknown") forgetMemberToken(group.id);
      memberToken = null;
    }
  }
  const proceed = (token) => (session ? connect(session.id, token) : showScreen("no-session"));
  if (memberToken) {
    proceed(memberToken);
    return;
  }
  showScreen("pseudonym", {
    session,
    onSubmit: async (pseudonym) => {
      const created = await createMember(inviteToken, pseudonym);
      saveMemberToken(group.id, created.member_token);
      store.apply((s) => ({ ...s, member: created.member }));
      if (session) showScreen("loading");
      proceed(created.member_token);
    },
  });
}

start();
