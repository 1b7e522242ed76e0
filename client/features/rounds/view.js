// Rounds: the facilitator's panel (start, order with up/down buttons, timer, next/pass/skip/end)
// and the peer's line ("It's your turn" / "You're up next").
import { h, mount } from "../../lib/dom.js";
import { isRunning, secondsLeft, moved, formatLeft, KIND_LABELS } from "./state.js";

export function createRoundsPanel({ onStart, onNext, onPass, onSkip, onReorder, onEnd }) {
  const kind = h("select", { id: "round-kind" }, Object.entries(KIND_LABELS).map(([v, t]) => h("option", { value: v }, t)));
  const minutes = h("input", { id: "round-minutes", type: "number", min: 1, max: 60, value: 6 });
  const body = h("div", { class: "stack" });
  const timer = h("p", { class: "round-timer", "data-testid": "round-timer" });
  let draft = [];
  let last = null;
  const el = h("section", { class: "card stack", "aria-labelledby": "rounds-h" }, h("h2", { id: "rounds-h" }, "Rounds"), timer, body);

  function orderList(ids, names, onMove) {
    return h("ol", { class: "plain", "data-testid": "round-order" }, ids.map((id, i) => h("li", { class: "row" },
      h("span", { class: "row-grow" }, names[id] || "Someone"),
      h("button", { type: "button", class: "small secondary", disabled: i === 0, "aria-label": `Move ${names[id] || "them"} up`, onclick: () => onMove(i, -1) }, "↑"),
      h("button", { type: "button", class: "small secondary", disabled: i === ids.length - 1, "aria-label": `Move ${names[id] || "them"} down`, onclick: () => onMove(i, 1) }, "↓"))));
  }

  function render(state, peers) {
    last = { state, peers };
    const r = state.round;
    const names = { ...state.names, ...Object.fromEntries(peers.map((p) => [p.id, p.name])) };
    if (!isRunning(r)) {
      const ids = peers.map((p) => p.id);
      draft = draft.filter((id) => ids.includes(id)).concat(ids.filter((id) => !draft.includes(id)));
      timer.textContent = "";
      mount(body,
        r && r.ended ? h("p", { class: "hint" }, `Last round ended: ${r.outcomes.length} took their turn or passed.`) : null,
        h("div", { class: "row" },
          h("div", { class: "field" }, h("label", { for: "round-kind" }, "Kind"), kind),
          h("div", { class: "field" }, h("label", { for: "round-minutes" }, "Minutes each"), minutes)),
        draft.length ? orderList(draft, names, (i, d) => { draft = moved(draft, i, d); render(last.state, last.peers); }) : h("p", { class: "hint" }, "Everyone in the room takes part, in the order listed."),
        h("button", { type: "button", onclick: () => onStart(kind.value, draft, Number(minutes.value) * 60) }, "Start round"));
      return;
    }
    tick();
    mount(body,
      h("p", {}, h("strong", {}, `${KIND_LABELS[r.kind] || "Round"}: `), `${names[r.current] || "Someone"} is sharing.`),
      h("div", { class: "row" },
        h("button", { type: "button", onclick: onNext }, "Next person"),
        h("button", { type: "button", class: "secondary", onclick: () => onPass(r.current) }, "They pass"),
        h("button", { type: "button", class: "secondary", onclick: () => onSkip(r.current) }, "Come back to them"),
        h("button", { type: "button", class: "danger-outline", onclick: onEnd }, "End round")),
      h("h3", {}, "Up next"),
      r.waiting.length ? orderList(r.waiting, names, (i, d) => onReorder(moved(r.waiting, i, d))) : h("p", { class: "hint" }, "Nobody else is waiting."));
  }

  function tick() {
    if (!last || !isRunning(last.state.round)) return;
    const left = secondsLeft(last.state, Date.now());
    timer.textContent = formatLeft(left);
    timer.classList.toggle("over-time", left != null && left < 0);
  }
  const interval = setInterval(tick, 1000);
  return { el, render, close: () => clearInterval(interval) };
}

/** The peer's view of a round: whose turn it is, "you're up next", and a pass button. */
export function createPeerRoundLine({ onPass }) {
  const el = h("div", { role: "status", "aria-live": "polite", "data-testid": "peer-round" });
  function render(state, meId) {
    const r = state.round;
    if (!isRunning(r)) { el.replaceChildren(); return; }
    const name = (id) => (id === meId ? "you" : state.names[id] || "someone");
    if (r.current === meId) {
      mount(el, h("div", { class: "notice notice-success" }, h("p", {}, "It's your turn. Share as much or as little as you like."),
        h("button", { type: "button", class: "small secondary", onclick: onPass }, "I'd rather pass")));
    } else if (r.up_next === meId) {
      mount(el, h("p", { class: "notice notice-info" }, `${name(r.current)} is sharing. You're up next — you can pass if you'd rather not.`));
    } else {
      mount(el, h("p", { class: "notice notice-info" }, `${KIND_LABELS[r.kind] || "Round"}: ${name(r.current)} is sharing.`));
    }
  }
  return { el, render };
}
