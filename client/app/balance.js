// The balancing tools wired to one session's socket: the staff side (talk-time dashboard,
// rounds, raise-hand queue, presence) and the peer side (own talk time, private cue, raise hand,
// round line, presence prompt). The app shells call one function each.
import { h } from "../lib/dom.js";
import { showError } from "../lib/api.js";
import { createStore } from "../lib/store.js";
import { initialTalkTime, applyUpdate, selectRoom, addAlert } from "../features/talk-time/state.js";
import { onTalkTimeUpdate, onMyTalkTime, onBalanceCue, onBalanceAlert } from "../features/talk-time/socket.js";
import { createTalkTimePanel, createMyTalkTime } from "../features/talk-time/view.js";
import { initialRounds, applyRoundUpdated } from "../features/rounds/state.js";
import { startRound, nextSpeaker, passTurn, skipSpeaker, reorderRound, endRound, onRoundUpdated } from "../features/rounds/socket.js";
import { createRoundsPanel, createPeerRoundLine } from "../features/rounds/view.js";
import { initialHands, applyHandsUpdated } from "../features/hands/state.js";
import { raiseHand, lowerHand, takeHand, moveHand, onHandsUpdated } from "../features/hands/socket.js";
import { createHandsPanel, createRaiseHand } from "../features/hands/view.js";
import { checkPresence, answerPresence, onPresenceCheck, onPresenceAnswered } from "../features/presence/socket.js";
import { createPresencePanel, createPresencePrompt } from "../features/presence/view.js";

const RUNS_ROUNDS = new Set(["lead", "co"]);

/** Staff: returns {el, attach(socket)}; `getRole()` gives the caller's session role. */
export function createStaffBalance({ sessionId, getRole }) {
  const store = createStore({ talk: initialTalkTime, rounds: initialRounds, hands: initialHands });
  let socket = null;
  const errors = h("div", {});
  const act = (fn) => async (...args) => {
    errors.replaceChildren();
    try { return await fn(...args); } catch (error) { showError(errors, error); return null; }
  };
  const apply = (key, change, ...args) => store.apply((s) => ({ ...s, [key]: change(s[key], ...args) }));
  const roundsAck = (answer) => answer && apply("rounds", applyRoundUpdated, { round: answer.round, names: {}, at_ms: Date.now() }, Date.now());

  const talk = createTalkTimePanel({ onSelectRoom: (room) => apply("talk", selectRoom, room), summaryHref: `#/summary/${encodeURIComponent(sessionId)}` });
  const rounds = createRoundsPanel({
    onStart: act(async (kind, order, perPersonS) => roundsAck(await startRound(socket, kind, order, perPersonS))),
    onNext: act(async () => roundsAck(await nextSpeaker(socket))),
    onPass: act(async (id) => roundsAck(await passTurn(socket, id))),
    onSkip: act(async (id) => roundsAck(await skipSpeaker(socket, id))),
    onReorder: act(async (order) => roundsAck(await reorderRound(socket, order))),
    onEnd: act(async () => roundsAck(await endRound(socket))),
  });
  const hands = createHandsPanel({
    onTake: act(() => takeHand(socket)),
    onMove: act((id, to) => moveHand(socket, id, Math.max(0, to))),
    onLower: act((id) => lowerHand(socket, id)),
  });
  const presence = createPresencePanel({ onCheck: act((id) => checkPresence(socket, id)) });
  const el = h("div", { class: "stack" }, errors, talk.el, rounds.el, hands.el, presence.el);

  const peersHere = (s) => ((s.talk.update && s.talk.update.presence) || [])
    .filter((p) => p.role === "peer" && p.connected && p.room_id === s.talk.room).map((p) => ({ id: p.id, name: p.name }));
  let peersKey = "[]";
  store.subscribe((s, prev) => {
    const role = getRole();
    rounds.el.hidden = !RUNS_ROUNDS.has(role);
    hands.el.hidden = !RUNS_ROUNDS.has(role);
    if (s.talk !== prev.talk) { talk.render(s.talk); presence.render(s.talk.update, RUNS_ROUNDS.has(role)); }
    const peers = peersHere(s);
    const key = JSON.stringify(peers);
    if (s.rounds !== prev.rounds || key !== peersKey) { peersKey = key; rounds.render(s.rounds, peers); }
    if (s.hands !== prev.hands) hands.render(s.hands);
  });
  talk.render(store.get().talk);
  rounds.render(store.get().rounds, []);
  hands.render(store.get().hands);
  presence.render(null, false);

  return {
    el,
    attach(sock) {
      socket = sock;
      onTalkTimeUpdate(sock, (u) => {
        if (u.session_id !== sessionId) return;
        apply("talk", applyUpdate, u, Date.now());
        const room = u.rooms[store.get().talk.room];
        if (room && room.round !== undefined && JSON.stringify(room.round) !== JSON.stringify(store.get().rounds.round)) {
          apply("rounds", applyRoundUpdated, { round: room.round, names: u.names, at_ms: u.at_ms }, Date.now());
        }
        if (room && room.hands && JSON.stringify(room.hands) !== JSON.stringify(store.get().hands.queue)) {
          apply("hands", applyHandsUpdated, { queue: room.hands, taken: store.get().hands.taken });
        }
      });
      onBalanceAlert(sock, (a) => { if (a.session_id === sessionId) { apply("talk", addAlert, a); talk.announce(a.message); } });
      onRoundUpdated(sock, (p) => apply("rounds", applyRoundUpdated, p, Date.now()));
      onHandsUpdated(sock, (p) => apply("hands", applyHandsUpdated, p));
      onPresenceAnswered(sock, (p) => talk.announce(`${p.member_name} answered: I'm here.`));
    },
    close: () => rounds.close(),
  };
}

/** Peer: returns {el, attach(socket)}; `getMeId()` gives the member id. */
export function createPeerBalance({ getMeId }) {
  const store = createStore({ rounds: initialRounds, hands: initialHands });
  let socket = null;
  const errors = h("div", {});
  const act = (fn) => async () => {
    errors.replaceChildren();
    try { await fn(); } catch (error) { showError(errors, error); }
  };
  const mine = createMyTalkTime();
  const roundLine = createPeerRoundLine({ onPass: act(() => passTurn(socket)) });
  const hand = createRaiseHand({ onRaise: act(() => raiseHand(socket)), onLower: act(() => lowerHand(socket)) });
  const prompt = createPresencePrompt({ onAnswer: () => answerPresence(socket) });
  const el = h("div", { class: "stack" }, prompt.el, roundLine.el, hand.el, errors, mine.el);
  store.subscribe((s) => { roundLine.render(s.rounds, getMeId()); hand.render(s.hands, getMeId()); });
  return {
    el,
    attach(sock) {
      socket = sock;
      onMyTalkTime(sock, (p) => mine.setMine(p));
      onBalanceCue(sock, (p) => mine.showCue(p));
      onRoundUpdated(sock, (p) => store.apply((s) => ({ ...s, rounds: applyRoundUpdated(s.rounds, p, Date.now()) })));
      onHandsUpdated(sock, (p) => store.apply((s) => ({ ...s, hands: applyHandsUpdated(s.hands, p) })));
      onPresenceCheck(sock, () => prompt.show());
    },
    refresh() { const s = store.get(); roundLine.render(s.rounds, getMeId()); hand.render(s.hands, getMeId()); },
  };
}

