// The peer's side of breakouts and leadership: where they are ("Ask to return" in a
// breakout), the main room's neutral notice, who leads, and the holding message while paused.
// getSocket(); onRoomMoved(roomSnapshot); reportError(error).
import { createStore } from "../../lib/store.js";
import { initialBreakouts, applyJoinAck, applyNotice, applyMoved, setReturnRequested } from "./state.js";
import { askToReturn, onMoved, onRoomNotice } from "./socket.js";
import { createBreakoutBanner, createRoomNotice } from "./view.js";
import { initialLeadership, applyJoinAck as applyLeadershipJoin, applyLeadChanged, applyPaused, applyResumed } from "../leadership/state.js";
import { onLeadChanged, onPaused, onResumed } from "../leadership/socket.js";
import { createHoldingMessage, createLeadAnnouncement } from "../leadership/view.js";

export function createPeerBreakouts({ getSocket, onRoomMoved, reportError }) {
  const store = createStore({ breakouts: initialBreakouts, leadership: initialLeadership });
  const banner = createBreakoutBanner({
    onAskToReturn: async () => {
      try {
        await askToReturn(getSocket());
        store.apply((s) => ({ ...s, breakouts: setReturnRequested(s.breakouts) }));
      } catch (error) {
        reportError(error);
      }
    },
  });
  const notice = createRoomNotice();
  const holding = createHoldingMessage();
  const announcement = createLeadAnnouncement();

  function render(state) {
    banner.render(state.breakouts);
    notice.render(state.breakouts);
    holding.render(state.leadership);
    announcement.render(state.leadership);
  }
  store.subscribe(render);
  render(store.get());

  function applyJoin(ack) {
    store.apply((s) => ({ ...s, breakouts: applyJoinAck(s.breakouts, ack), leadership: applyLeadershipJoin(s.leadership, ack) }));
  }

  function attach(socket) {
    const set = (key, change) => (payload) => store.apply((s) => ({ ...s, [key]: change(s[key], payload) }));
    onRoomNotice(socket, set("breakouts", applyNotice));
    onMoved(socket, (payload) => {
      store.apply((s) => ({ ...s, breakouts: applyMoved(s.breakouts, payload) }));
      onRoomMoved(payload.room);
    });
    onLeadChanged(socket, set("leadership", applyLeadChanged));
    onPaused(socket, set("leadership", applyPaused));
    onResumed(socket, set("leadership", applyResumed));
  }

  return { els: [holding.el, announcement.el, banner.el, notice.el], applyJoin, attach };
}
