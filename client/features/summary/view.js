// The facilitators' summary page after a session: chart image, table, downloads, rounds, cues.
import { h, mount, focusHeading } from "../../lib/dom.js";
import { showError } from "../../lib/api.js";
import { fetchSummary, summaryPath } from "./api.js";
import { formatDuration, roomLabel } from "../talk-time/state.js";

export async function renderSummary(container, sessionId) {
  mount(container, h("p", {}, "Loading…"));
  let doc;
  try {
    doc = await fetchSummary(sessionId);
  } catch (error) {
    mount(container, h("h1", {}, "Session summary"));
    const box = h("div", {});
    container.append(box);
    showError(box, error);
    return;
  }
  const base = summaryPath(sessionId);
  const rooms = Object.values(doc.rooms);
  mount(container, h("section", { class: "card stack" },
    h("h1", {}, "Session summary"),
    h("p", { class: "hint" }, "For reflective practice and supervision. Pseudonyms only; no chat is kept."),
    h("img", { src: `${base}.svg`, alt: "Talk time per person in the main room; the same figures are in the table below.", class: "summary-chart" }),
    h("p", { class: "row" },
      h("a", { class: "button secondary", href: `${base}.csv`, download: "" }, "Download CSV"),
      h("a", { class: "button secondary", href: base, download: "" }, "Download JSON")),
    rooms.map((room) => h("div", { class: "table-wrap" },
      h("h2", {}, roomLabel(room.room_id, rooms.filter((r) => r.room_id !== "main").indexOf(room) + 1)),
      h("p", {}, `Balance ${room.balance_gini.toFixed(2)}: ${room.balance_explanation}`),
      h("table", { "data-testid": "summary-table" },
        h("thead", {}, h("tr", {}, ["Name", "Talk", "Turns", "Longest turn", "Share"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, room.members.map((r) => h("tr", {},
          h("th", { scope: "row" }, r.name || "Someone", r.kind === "peer" ? "" : " (facilitator)"),
          h("td", {}, formatDuration(r.total_ms)), h("td", {}, String(r.turns)),
          h("td", {}, formatDuration(r.longest_turn_ms)), h("td", {}, `${Math.round(r.share * 100)}%`))))))),
    h("h2", {}, "Rounds run"),
    doc.rounds.length ? h("ul", {}, doc.rounds.map((r) => h("li", {}, `${r.kind.replace("_", "-")}: ${r.outcomes.map((o) => `${o.name || "Someone"} ${o.outcome}`).join(", ") || "nobody took a turn"}`))) : h("p", { class: "hint" }, "No rounds."),
    h("h2", {}, "Cues and alerts"),
    h("p", {}, `${doc.cues.count} gentle cue${doc.cues.count === 1 ? "" : "s"} sent. Alerts: ${Object.entries(doc.alerts).map(([k, n]) => `${k.replaceAll("_", " ")} ${n}`).join(", ") || "none"}.`)));
  focusHeading(container);
}
