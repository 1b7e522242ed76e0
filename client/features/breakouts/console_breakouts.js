// The console's breakouts and leadership: a controller the console mounts, like the safety one.
// getSocket(); getMe() -> {id, role}; getParticipants(); onRoomMoved(roomSnapshot);
// onRoleChanged(role); reportError(error).
// Returns {panels, banners, personAction(person), openWith(memberId), applyJoin(ack), attach(socket)}.
import { h } from "../../lib/dom.js";
import { createStore } from "../../lib/store.js";
import { confirmDialog } from "../../lib/dialog.js";
import { registerOpenBreakout } from "../support/breakout.js";
import { initialBreakouts, applyJoinAck, applyUpdated, applyWarning, applyNotice, applyMoved, canRunBreakouts, inBreakout } from "./state.js";
import { openBreakout, bringBack, stepIn, closeBreakout, onBreakoutsUpdated, onMoved, onRoomNotice, onWarning } from "./socket.js";
import { chooseNotice, createBreakoutPanel, createBreakoutBanner, createRoomNotice } from "./view.js";
import { initialLeadership, applyJoinAck as applyLeadershipJoin, applyLeadChanged, applyFacilitators, myRole } from "../leadership/state.js";
import { handOver, appear, onLeadChanged, onFacilitatorsUpdated } from "../leadership/socket.js";
import { createLeadershipPanel } from "../leadership/view.js";

export function createConsoleBreakouts({ getSocket, getMe, getParticipants, onRoomMoved, onRoleChanged, reportError }) {
  const store = createStore({ breakouts: initialBreakouts, leadership: initialLeadership });
  const attempt = (fn) => async (...args) => { try { await fn(...args); } catch (error) { reportError(error); } };

  const panel = createBreakoutPanel({
    onStepIn: attempt((roomId) => stepIn(getSocket(), roomId)),
    onBringBack: attempt((memberId) => bringBack(getSocket(), memberId)),
    onClose: attempt((roomId) => closeBreakout(getSocket(), roomId)),
  });
  const banner = createBreakoutBanner();
  const notice = createRoomNotice();
  const leadership = createLeadershipPanel({
    onHandOver: attempt(async (person) => {
      const ok = await confirmDialog({
        title: `Hand the lead to ${person.name}?`,
        body: "They lead from now on and everyone in the session is told. You stay as co-facilitator.",
        confirmLabel: `Hand over to ${person.name}`,
      });
      if (ok) await handOver(getSocket(), person.id);
    }),
    onAppear: attempt(() => appear(getSocket())),
  });

  const openWith = attempt(async (memberId) => {
    const person = getParticipants().find((p) => p.id === memberId);
    const choice = await chooseNotice(person ? person.name : "this peer");
    if (choice === null) return;
    await openBreakout(getSocket(), [memberId], choice || null);
  });
  registerOpenBreakout(openWith);

  function personAction(person) {
    const me = getMe();
    if (!canRunBreakouts(me.role) || inBreakout(store.get().breakouts)) return null;
    return h("button", { type: "button", class: "small", "aria-label": `Open a breakout with ${person.name}`, onclick: () => openWith(person.id) }, "Open breakout");
  }

  function render(state, previous) {
    const me = getMe();
    if (!previous || state.breakouts !== previous.breakouts) {
      panel.render(state.breakouts, { role: me.role, meId: me.id });
      banner.render(state.breakouts);
      notice.render(state.breakouts);
    }
    if (!previous || state.leadership !== previous.leadership) {
      leadership.render(state.leadership, { meId: me.id, role: me.role });
      const role = myRole(state.leadership, me.id, me.role);
      if (role && role !== me.role) {
        onRoleChanged(role);
        render(state, null);
      }
    }
  }
  store.subscribe(render);
  render(store.get(), null);

  function applyJoin(ack) {
    store.apply((s) => ({ ...s, breakouts: applyJoinAck(s.breakouts, ack), leadership: applyLeadershipJoin(s.leadership, ack) }));
  }

  function attach(socket) {
    const set = (key, change) => (payload) => store.apply((s) => ({ ...s, [key]: change(s[key], payload) }));
    onBreakoutsUpdated(socket, set("breakouts", applyUpdated));
    onWarning(socket, set("breakouts", applyWarning));
    onRoomNotice(socket, set("breakouts", applyNotice));
    onMoved(socket, (payload) => {
      store.apply((s) => ({ ...s, breakouts: applyMoved(s.breakouts, payload) }));
      onRoomMoved(payload.room);
    });
    onLeadChanged(socket, set("leadership", applyLeadChanged));
    onFacilitatorsUpdated(socket, set("leadership", applyFacilitators));
  }

  return { panels: [leadership.el, panel.el], banners: [banner.el, notice.el], personAction, openWith, applyJoin, attach };
}
