// Admin: one category's term rows (term, other spellings, note) with "Find a term".
// The rows array is the list: saves and the live "try a message" draft read every row in it,
// whatever is shown. At 5,000 terms the page must not freeze, so rows are built a screenful
// at once and the rest in short slices between other work, and finding only toggles `hidden`
// on rows already built (a keystroke never rebuilds the list). "Add a term" sits by the search,
// above the rows; rows added on this page go at the top, newest first, and always stay in view.
// That is only the view: `rows` keeps the loaded order with added rows after it (displayOrder).
import { h, field } from "../../lib/dom.js";
import { FIND_DEBOUNCE_MS, termNoun, rowLabels, rowFromEntry, shownRows, describeShown, displayOrder, rowIsIn } from "./state.js";

const FIRST_ROWS = 60; // built at once: more than a screenful on any display
const SLICE_MS = 12; // then build for this long per task, leaving the page free to answer

/**
 * Term rows for `category`, built from `entries`. `onInput` runs after every edit and removal;
 * `onTotal(n)` whenever the number of rows changes. Rows whose term is in `marked` (a Set of
 * `termKeys`: the terms the last save added) carry a "New" badge until the next reload.
 * Returns {el, rows}.
 */
export function termRows(category, entries, onInput, onTotal = () => {}, marked = new Set()) {
  const noun = termNoun(category);
  const list = h("ol", { class: "plain stack", id: `terms-${category}`, "data-testid": `terms-${category}` });
  const rows = entries.map(rowFromEntry);
  const elements = new Map(); // row -> its <li>, once built
  const shown = new Map(rows.map((row) => [row, true])); // what the search shows, built or not
  const added = new Set(); // rows added on this page: shown whatever the search, at the top
  let serial = 0;

  function build(row) {
    const n = ++serial;
    const mk = (key, label) => {
      const f = field(label, { value: row[key], id: `${category}-${key}-${n}`, maxlength: key === "term" ? 100 : 2000 });
      f.input.addEventListener("input", () => { row[key] = f.input.value; onInput(); });
      return f;
    };
    const term = mk("term", "Term");
    const aliases = mk("aliases", "Other spellings (comma-separated)");
    const note = mk("note", "Note for admins");
    const remove = h("button", { type: "button", class: "small secondary", onclick: () => removeRow(row) }, "Remove");
    // The <li> stays a list item ("3 of 150"); the group inside it carries the row's name.
    // A term the last save added says so in words (read with the row), not by colour alone.
    const isMarked = marked.size > 0 && rowIsIn(row, marked);
    const badge = isMarked ? h("p", { class: "wordlist-new" }, h("span", { class: "badge badge-new" }, "New"), " (added by the last save)") : null;
    const group = h("div", { class: "wordlist-fields", role: "group" }, badge, term.wrap, aliases.wrap, note.wrap, remove);
    const name = () => {
      const labels = rowLabels(row, noun, added.has(row));
      group.setAttribute("aria-label", labels.group);
      remove.setAttribute("aria-label", labels.remove);
    };
    name();
    term.input.addEventListener("input", name);
    const li = h("li", { class: isMarked ? "wordlist-row wordlist-row-new" : "wordlist-row", hidden: !shown.get(row) }, group);
    elements.set(row, li);
    return li;
  }

  // Build the first rows now and the rest in slices, after any row added on this page (at the top).
  const unbuilt = rows.slice(FIRST_ROWS);
  let next = 0;
  list.append(...rows.slice(0, FIRST_ROWS).map(build));
  function buildSlice() {
    if (!list.isConnected) return; // the page moved on (reloaded after a save)
    const until = performance.now() + SLICE_MS;
    const fragment = document.createDocumentFragment();
    while (next < unbuilt.length && performance.now() < until) fragment.append(build(unbuilt[next++]));
    list.append(fragment);
    if (next < unbuilt.length) setTimeout(buildSlice, 0);
  }
  if (unbuilt.length) setTimeout(buildSlice, 0);

  // "Find a term"
  const finder = h("input", { type: "search", id: `find-${category}`, autocomplete: "off", spellcheck: "false",
    "aria-describedby": `find-${category}-hint`, "aria-controls": list.id, enterkeyhint: "search" });
  const clear = h("button", { type: "button", class: "small secondary", hidden: true,
    "aria-label": `Clear the ${noun} search`, onclick: () => { finder.value = ""; applyFind(); finder.focus(); } }, "Clear");
  const count = h("p", { class: "hint wordlist-count", role: "status", "aria-live": "polite", "data-testid": `find-${category}-count` });
  const nothing = h("p", { class: "hint", hidden: true, "data-testid": `find-${category}-nothing` });
  let timer = null;
  let applied = ""; // the search the rows show (typing waits FIND_DEBOUNCE_MS to apply)

  function showCount() {
    let visible = 0;
    for (const row of rows) if (shown.get(row)) visible += 1;
    count.textContent = describeShown(visible, rows.length, applied);
    nothing.hidden = !(applied.trim() && visible === 0);
  }

  /** Show what the search finds (and the added rows); touches only rows whose state changes. */
  function applyFind() {
    clearTimeout(timer);
    const query = finder.value;
    applied = query;
    shownRows(rows, query, added).forEach((on, i) => {
      shown.set(rows[i], on);
      const li = elements.get(rows[i]);
      if (li && li.hidden === on) li.hidden = !on;
    });
    clear.hidden = !query;
    nothing.textContent = `No ${noun} term, other spelling or note has \u201c${query.trim()}\u201d.`;
    showCount();
  }

  finder.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(applyFind, FIND_DEBOUNCE_MS); });
  finder.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && finder.value) { event.preventDefault(); finder.value = ""; applyFind(); }
    if (event.key === "Enter") { event.preventDefault(); applyFind(); }
  });

  /** A blank row at the top of the list (above earlier added ones), scrolled to, Term focused. */
  function add() {
    const row = { term: "", aliases: "", note: "" };
    rows.push(row); // saved after the loaded rows: only the view puts it first
    added.add(row);
    shown.set(row, true);
    const li = build(row);
    list.prepend(li);
    showCount();
    onTotal(rows.length);
    li.scrollIntoView({ block: "nearest" });
    li.querySelector("input").focus({ preventScroll: true });
  }

  function removeRow(row) {
    const at = rows.indexOf(row);
    if (at < 0) return;
    // keep keyboard focus in the list: the next row shown below, else the one above, else the search
    const order = displayOrder(rows, added);
    const place = order.indexOf(row);
    const after = [...order.slice(place + 1), ...order.slice(0, place).reverse()];
    const target = after.find((r) => shown.get(r) && elements.has(r));
    elements.get(row).remove();
    rows.splice(at, 1);
    elements.delete(row);
    shown.delete(row);
    added.delete(row);
    (target ? elements.get(target).querySelector("input") : finder).focus();
    showCount();
    onTotal(rows.length);
    onInput();
  }

  showCount();
  const search = h("div", { class: "field wordlist-find", role: "search", "aria-label": `${noun} terms` },
    h("label", { for: finder.id }, `Find a ${noun} term`),
    h("p", { class: "hint", id: `find-${category}-hint` }, "Matches the term, other spellings and notes. Terms you add go at the top and stay in view."),
    h("div", { class: "row" }, finder, clear));
  // Next to the search and before the rows, so it is in reach (and next in tab order) however
  // long the list; outside the search landmark, since adding is not searching.
  const addButton = h("button", { type: "button", class: "secondary wordlist-add", "aria-controls": list.id, onclick: add }, `Add a ${noun} term`);
  const tools = h("div", { class: "wordlist-tools" }, search, addButton);
  return { el: h("div", { class: "stack" }, tools, count, nothing, list), rows };
}
