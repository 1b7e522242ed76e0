// The co-facilitator's talk-time dashboard: bars against the fair share (an SVG chart, with a
// table alternative), the current speaker, who has not spoken, the longest monologue and the
// balance figure in plain words; per-room tabs when breakouts exist; recent alerts.
import { h, mount } from "../../lib/dom.js";
import { roomIds, roomLabel, roomRows, formatDuration, spokenSummary } from "./state.js";

const SVG = "http://www.w3.org/2000/svg";
const ANNOUNCE_EVERY_MS = 60000;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function bars(rows, fairShareMs) {
  const labelW = 150, barW = 300, rowH = 26, top = 6;
  const longest = Math.max(1, fairShareMs, ...rows.map((r) => r.total_ms));
  const height = top + rowH * Math.max(1, rows.length) + 22;
  const chart = svg("svg", { viewBox: `0 0 ${labelW + barW + 90} ${height}`, class: "talk-bars", "aria-hidden": "true", focusable: "false" });
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const w = Math.round((barW * r.total_ms) / longest);
    const cls = `bar${r.kind === "peer" ? "" : " bar-staff"}${r.speaking ? " bar-speaking" : ""}${r.present ? "" : " bar-absent"}`;
    chart.append(
      svg("text", { x: labelW - 6, y: y + 17, "text-anchor": "end", class: "bar-label" }, r.name + (r.speaking ? " 🎙" : "")),
      svg("rect", { x: labelW, y: y + 4, width: Math.max(w, 1), height: rowH - 8, rx: 3, class: cls }),
      svg("text", { x: labelW + w + 6, y: y + 17, class: "bar-value" }, formatDuration(r.total_ms)));
  });
  if (fairShareMs > 0) {
    const x = labelW + Math.round((barW * fairShareMs) / longest);
    chart.append(
      svg("line", { x1: x, y1: top, x2: x, y2: top + rowH * rows.length, class: "fair-line" }),
      svg("text", { x, y: height - 6, "text-anchor": "middle", class: "fair-label" }, "fair share"));
  }
  return chart;
}

function table(rows, fairShareMs) {
  return h("div", { class: "table-wrap" }, h("table", {},
    h("caption", { class: "visually-hidden" }, `Talk time per person; fair share per peer ${formatDuration(fairShareMs)}`),
    h("thead", {}, h("tr", {}, ["Name", "Talk", "Turns", "Longest", "Share", "Quiet for", "Interruptions"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-member": r.member },
      h("th", { scope: "row" }, r.name, r.kind === "peer" ? "" : " (facilitator)", r.speaking ? " — speaking" : "", r.present ? "" : " — not here"),
      h("td", {}, formatDuration(r.total_ms)),
      h("td", {}, String(r.turns)),
      h("td", {}, formatDuration(r.longest_turn_ms)),
      h("td", {}, `${Math.round(r.share * 100)}%`),
      h("td", {}, r.not_yet_spoken ? "not yet spoken" : formatDuration(r.silent_for_ms)),
      h("td", {}, `${r.interruptions_made} made, ${r.times_interrupted} received`))))));
}

export function createTalkTimePanel({ onSelectRoom, summaryHref }) {
  const tabs = h("div", { class: "row", role: "tablist", "aria-label": "Rooms" });
  const body = h("div", { class: "stack", "data-testid": "talk-dashboard" });
  const alerts = h("ul", { class: "plain", "aria-label": "Recent alerts" });
  const live = h("p", { class: "visually-hidden", "aria-live": "polite" });
  const showTable = h("input", { type: "checkbox", id: "talk-table-toggle" });
  let lastSpoken = "";
  let lastSpokenAt = 0;
  let current = null;
  showTable.addEventListener("change", () => current && render(current));
  const el = h("section", { class: "card stack", "aria-labelledby": "talk-h" },
    h("h2", { id: "talk-h" }, "Talk time"),
    tabs, body,
    h("label", { class: "checkbox", for: "talk-table-toggle" }, showTable, "Show as a table"),
    h("h3", {}, "Alerts"), alerts, live,
    summaryHref ? h("p", { class: "hint" }, "After the session: ", h("a", { href: summaryHref }, "talk-time summary")) : null);

  function render(state) {
    current = state;
    const update = state.update;
    const ids = roomIds(update);
    mount(tabs, ids.length > 1 ? ids.map((id, position) => h("button", {
      type: "button", role: "tab", class: id === state.room ? "small" : "small secondary",
      "aria-selected": id === state.room ? "true" : "false", onclick: () => onSelectRoom(id),
    }, roomLabel(id, position))) : null);
    const room = update && update.rooms && update.rooms[state.room];
    if (!room || !room.members) {
      mount(body, h("p", { class: "hint" }, "Figures appear here once the session is live and people are in the room."));
    } else {
      const rows = roomRows(update, state.room);
      const names = update.names || {};
      const speakers = (room.current_speakers || []).map((id) => names[id] || "Someone");
      const quiet = rows.filter((r) => r.kind === "peer" && r.present && r.not_yet_spoken).map((r) => r.name);
      mount(body,
        h("p", { "data-testid": "current-speaker" }, h("strong", {}, "Speaking now: "), speakers.length ? speakers.join(", ") : "nobody"),
        h("p", {}, h("strong", {}, "Not yet spoken: "), quiet.length ? quiet.join(", ") : "everyone has spoken"),
        h("p", {}, h("strong", {}, "Longest monologue: "), room.longest_monologue_member ? `${names[room.longest_monologue_member] || "Someone"}, ${formatDuration(room.longest_monologue_ms)}` : "none yet"),
        h("p", { "data-testid": "balance" }, h("strong", {}, `Balance: ${room.balance_gini.toFixed(2)}. `), room.balance_explanation),
        showTable.checked ? table(rows, room.fair_share_ms) : bars(rows, room.fair_share_ms),
        h("p", { class: "hint" }, `Fair share per peer so far: ${formatDuration(room.fair_share_ms)}. Facilitators are counted apart.`));
    }
    mount(alerts, state.alerts.length ? state.alerts.map((a) => h("li", {}, a.message)) : h("li", { class: "hint" }, "No alerts."));
    const spoken = spokenSummary(update, state.room);
    const now = Date.now();
    if (spoken && spoken !== lastSpoken && now - lastSpokenAt >= ANNOUNCE_EVERY_MS) {
      live.textContent = spoken;
      lastSpoken = spoken;
      lastSpokenAt = now;
    }
  }
  return { el, render, announce: (text) => { live.textContent = text; } };
}

/** A peer's own figures, small and optional; and the private, kind cue. */
export function createMyTalkTime() {
  const figures = h("p", { class: "hint", "data-testid": "my-talk-time" });
  const toggle = h("input", { type: "checkbox", id: "my-talk-toggle" });
  const cue = h("div", { role: "status", "aria-live": "polite" });
  let mine = null;
  const show = () => {
    figures.hidden = !toggle.checked;
    figures.textContent = mine ? `You've spoken for ${formatDuration(mine.total_ms)} in ${mine.turns} turn${mine.turns === 1 ? "" : "s"}.` : "Nothing measured yet.";
  };
  toggle.addEventListener("change", show);
  show();
  const el = h("div", { class: "stack" }, cue,
    h("label", { class: "checkbox", for: "my-talk-toggle" }, toggle, "Show my talk time (only you can see this)"), figures);
  return {
    el,
    setMine(payload) { mine = payload; show(); },
    showCue(payload) {
      mount(cue, h("div", { class: "notice notice-info private-panel", "data-testid": "balance-cue" },
        h("p", { class: "private-label" }, "Just for you"),
        h("p", {}, payload.message),
        h("button", { type: "button", class: "small secondary", onclick: () => cue.replaceChildren() }, "Thanks")));
    },
  };
}
