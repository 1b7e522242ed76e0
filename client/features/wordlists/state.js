// Word-list editing state: pure conversions between the server's shapes and the form's.

export const TERM_CATEGORIES = [["brand", "Brands"], ["venue", "Places (venues)"]];
export const EXCEPTION_CATEGORIES = [["brand", "Brand exceptions"], ["venue", "Place exceptions"], ["amount", "Amount exceptions"]];
export const POLICIES = [
  ["mask", "Mask: others see the words hidden; the sender gets a kind reminder"],
  ["hold", "Hold: a facilitator approves or rejects first"],
  ["alert", "Alert only: shared as written; facilitators are alerted"],
];
export const TRY_DEBOUNCE_MS = 250;
/** Typing in "Find a term" filters after this pause: one pass over a 5,000-term list, not one per key. */
export const FIND_DEBOUNCE_MS = 150;

/** What people call a category's terms in the page's text: "brand", "place". */
export const termNoun = (category) => (category === "venue" ? "place" : category);

/**
 * What assistive technology calls a term row and its Remove button, so 150 rows of "Term, edit
 * text" can be told apart: both are named after the term as typed ("bet365", "Remove bet365"); a
 * row without one yet is a "New brand term" ("Remove new brand term") when added on this page
 * (`isNew`), else a "Blank brand term" ("Remove blank brand term": a loaded term cleared).
 * `noun` is `termNoun(category)`.
 */
export function rowLabels(row, noun, isNew) {
  const term = row.term.trim();
  const kind = `${isNew ? "new" : "blank"} ${noun} term`;
  return {
    group: term || kind[0].toUpperCase() + kind.slice(1),
    remove: `Remove ${term || kind}`,
  };
}

/** "a, b ,c" -> ["a", "b", "c"] */
export const splitList = (text) => String(text || "").split(",").map((s) => s.trim()).filter(Boolean);
/** One item per line; blank lines dropped. */
export const splitLines = (text) => String(text || "").split("\n").map((s) => s.trim()).filter(Boolean);

/** A form row {term, aliases: "a, b", note} -> the stored entry. */
export function entryFromRow(row) {
  const entry = { term: row.term.trim() };
  const aliases = splitList(row.aliases);
  if (aliases.length) entry.aliases = aliases;
  if (row.note && row.note.trim()) entry.note = row.note.trim();
  return entry;
}

export function rowFromEntry(entry) {
  if (typeof entry === "string") return { term: entry, aliases: "", note: "" };
  return { term: entry.term || "", aliases: (entry.aliases || []).join(", "), note: entry.note || "" };
}

/**
 * Rebuild the global lists from the edited rows, keeping the amount grammar as loaded. Terms are
 * saved in `rows` order (the loaded list as it was, then terms added on the page, oldest first),
 * whatever order the page shows them in, so every filled-in row is saved once and the list's order stays
 * stable from one version to the next.
 */
export function globalFromForm(loaded, rows, exceptions) {
  const lists = JSON.parse(JSON.stringify(loaded));
  for (const [category] of TERM_CATEGORIES) {
    lists[category] = { ...(lists[category] || {}), terms: rows[category].filter((r) => r.term.trim() || r.aliases.trim()).map(entryFromRow) };
  }
  for (const [category] of EXCEPTION_CATEGORIES) {
    lists[category] = { ...(lists[category] || {}), exceptions: splitLines(exceptions[category]) };
  }
  return lists;
}

/** {additions: {brand: "one per line"}, ...} -> the stored overrides. */
export function overridesFromForm(form) {
  const out = { additions: {}, removals: {}, exceptions: {} };
  for (const key of Object.keys(out)) {
    for (const [category, text] of Object.entries(form[key] || {})) {
      const items = splitLines(text);
      if (items.length) out[key][category] = items;
    }
  }
  return out;
}

/**
 * Text folded for "Find a term": lower case, accents dropped, curly quotes straightened and
 * spacing collapsed, so "Paddy’s" (a phone keyboard's apostrophe) finds "paddy's" and "cafe"
 * finds "Café".
 */
export function findKey(text) {
  return String(text || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, " ").trim();
}

/**
 * Whether a term row is found by a search: the folded query is part of its term, its other
 * spellings or its note. An empty query finds every row. `key` is `findKey(query)`.
 */
export function rowFound(row, key) {
  if (!key) return true;
  return [row.term, row.aliases, row.note].some((text) => findKey(text).includes(key));
}

/**
 * Which rows a search shows, in order: those it finds, and always those in `kept` (rows added on
 * this page), so a new term is never hidden while it is written. Hiding is only ever a view:
 * saves and the "try a message" draft read every row.
 */
export function shownRows(rows, query, kept = new Set()) {
  const key = findKey(query);
  return rows.map((row) => kept.has(row) || rowFound(row, key));
}

/**
 * The order term rows are shown in: rows added on this page first, newest at the top (where
 * "Add a term" is), then the loaded rows in their saved order. Only a view: `rows` itself, which
 * a save and the "try a message" draft read, keeps the saved order with added rows after it,
 * oldest first. `added` is a Set of rows from `rows`.
 */
export function displayOrder(rows, added) {
  return [...rows.filter((row) => added.has(row)).reverse(), ...rows.filter((row) => !added.has(row))];
}

/** The live count under a search box: "12 of 148 shown", or "148 terms" when not searching. */
export function describeShown(shown, total, query) {
  if (!findKey(query)) return `${total} ${total === 1 ? "term" : "terms"}`;
  return `${shown} of ${total} shown`;
}

/** The term of an entry or a row ("bet365" or {term, ...}) as typed, trimmed. */
const termOf = (entry) => (typeof entry === "string" ? entry : entry.term || "").trim();
/** How a save tells terms apart: trimmed, case ignored ("Bet365 " is "bet365"). */
const termKey = (entry) => termOf(entry).toLowerCase();

/**
 * The terms a save added: those in `saved` (the entries read back after the save) that were not
 * in `previous` (the entries loaded before it), compared by `termKey`, each once, in saved order.
 * Returns the terms as saved (trimmed).
 */
export function addedTerms(previous, saved) {
  const before = new Set(previous.map(termKey));
  const added = new Map();
  for (const entry of saved) {
    const key = termKey(entry);
    if (key && !before.has(key) && !added.has(key)) added.set(key, termOf(entry));
  }
  return [...added.values()];
}

/** Whether a row's term is one of `keys` (a Set of `termKey`s, e.g. of `addedTerms`). */
export const rowIsIn = (row, keys) => keys.has(termKey(row));
export const termKeys = (terms) => new Set(terms.map(termKey));

/** At most this many added terms are named in the save status; the rest are counted. */
export const NAMED_ADDED = 3;

/**
 * The status after a save: "Saved." then, per category that gained terms, "2 new brand terms
 * added: xyz, abc." (the first NAMED_ADDED named, then "and N more"). `added` is
 * [[noun, terms], ...].
 */
export function describeSaved(added) {
  const parts = ["Saved."];
  for (const [noun, terms] of added) {
    if (!terms.length) continue;
    const named = terms.slice(0, NAMED_ADDED).join(", ");
    const more = terms.length > NAMED_ADDED ? ` and ${terms.length - NAMED_ADDED} more` : "";
    parts.push(`${terms.length} new ${noun} ${terms.length === 1 ? "term" : "terms"} added: ${named}${more}.`);
  }
  return parts.join(" ");
}

/** Human words for the problems of an invalid_lists error. */
export const describeProblem = (p) => `${p.category}${p.term ? ` "${p.term}"` : ""}: ${p.reason}`;
