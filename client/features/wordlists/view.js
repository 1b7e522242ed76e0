// Admin: trigger words. Edit global lists or one group's overrides and policy, try a message
// live against the unsaved draft, see history with diffs, revert, and import/export YAML.
import { h, mount, field, focusHeading, formatDateTime } from "../../lib/dom.js";
import { showError, clearError } from "../../lib/api.js";
import { listGroups } from "../admin/api.js";
import { highlighted } from "../trigger/view.js";
import { CATEGORY_LABELS } from "../trigger/state.js";
import * as api from "./api.js";
import { termRows } from "./terms.js";
import {
  TERM_CATEGORIES, EXCEPTION_CATEGORIES, POLICIES, TRY_DEBOUNCE_MS,
  globalFromForm, overridesFromForm, describeProblem, termNoun, addedTerms, termKeys, describeSaved,
} from "./state.js";

function showProblems(container, error) {
  showError(container, error);
  const problems = error && error.details && error.details.problems;
  if (Array.isArray(problems) && problems.length) {
    container.firstChild.append(h("ul", {}, problems.map((p) => h("li", {}, describeProblem(p)))));
  }
}

export async function renderWordlists(container) {
  const errors = h("div", {});
  const scopeSlot = h("div", {});
  const editor = h("div", { class: "stack" });
  mount(container, h("h1", {}, "Trigger words"),
    h("p", { class: "hint" }, "Words that break the ground rule \u201cDon't mention amounts, brands or places\u201d. Chat messages are checked against these lists; changes apply to live sessions at once."),
    errors, scopeSlot, editor);
  focusHeading(container);
  let groups = [];
  try { groups = await listGroups(); } catch (error) { showError(errors, error); }
  const scope = field("Lists for", { kind: "select", id: "wordlist-scope",
    options: [["global", "All groups (shared lists)"], ...groups.map((g) => [g.id, `${g.name} (this group's changes)`])] });
  scope.input.addEventListener("change", () => load(scope.input.value));
  mount(scopeSlot, scope.wrap);

  // `saved` (after a save of the shared lists): the lists as loaded before it, to tell what it added
  async function load(which, saved = null) {
    clearError(errors);
    mount(editor, h("p", {}, "Loading\u2026"));
    try {
      if (which === "global") await renderGlobal(editor, await api.getGlobal(), (before) => load(which, before), saved);
      else await renderGroup(editor, which, await api.getGroup(which), () => load(which));
    } catch (error) { showError(errors, error); }
  }
  await load("global");
}

function linesField(label, id, items, onInput, hint) {
  const f = field(label, { kind: "textarea", id, value: (items || []).join("\n"), rows: 3, hint });
  f.input.addEventListener("input", onInput);
  return f;
}

/**
 * The shared lists. `reload(before)` shows them afresh; after a save `before` is the lists as
 * they were loaded, and the page then says which terms the save added and marks their rows.
 */
async function renderGlobal(editor, loaded, reload, before = null) {
  const lists = loaded.lists;
  const termsOf = (from, category) => (from && from[category] && from[category].terms) || [];
  const added = Object.fromEntries(TERM_CATEGORIES.map(([category]) =>
    [category, before ? addedTerms(termsOf(before, category), termsOf(lists, category)) : []]));
  const tryBox = createTryBox(() => ({ draft: { lists: draftNow() } }));
  const onInput = () => tryBox.changed();
  const terms = {};
  const sections = TERM_CATEGORIES.map(([category, label]) => {
    const heading = h("h2", { class: "inline-heading" });
    const total = (n) => { heading.textContent = `${label} (${n})`; };
    terms[category] = termRows(category, termsOf(lists, category), onInput, total, termKeys(added[category]));
    total(terms[category].rows.length);
    return h("details", { class: "card", open: category === "brand" || undefined },
      h("summary", {}, heading), terms[category].el);
  });
  const exceptionFields = {};
  const exceptions = h("fieldset", { class: "card" }, h("legend", {}, "Exceptions"),
    h("p", { class: "hint" }, "Phrases that are fine even though they contain a listed word (\u201ccoral reef\u201d). One per line; an exception only cancels the words it overlaps."),
    EXCEPTION_CATEGORIES.map(([category, label]) => {
      exceptionFields[category] = linesField(label, `exceptions-${category}`, lists[category] && lists[category].exceptions, onInput);
      return exceptionFields[category].wrap;
    }));
  const exceptionText = () => Object.fromEntries(Object.entries(exceptionFields).map(([c, f]) => [c, f.input.value]));
  const draftNow = () => globalFromForm(lists, { brand: terms.brand.rows, venue: terms.venue.rows }, exceptionText());

  const status = before ? describeSaved(TERM_CATEGORIES.map(([category]) => [termNoun(category), added[category]])) : "";
  const save = saveBar(async (summary) => api.saveGlobal(draftNow(), summary, loaded.version), () => reload(lists));
  mount(editor, h("p", { class: "hint" }, `Version ${loaded.version}${loaded.version === 0 ? " (the shipped defaults)" : ""}.`),
    tryBox.el, ...sections, exceptions, save.el, yamlPanel(() => reload()), historyPanel("global", () => reload()));
  if (before) save.saved(status);
  await tryBox.changed();
}

async function renderGroup(editor, groupId, loaded, reload) {
  const o = loaded.overrides || {};
  const tryBox = createTryBox(() => ({ group_id: groupId, draft: { overrides: overridesFromForm(formNow()) } }));
  const onInput = () => tryBox.changed();
  const fields = { additions: {}, removals: {}, exceptions: {} };
  const fieldsets = [
    ["additions", "Extra words for this group", TERM_CATEGORIES],
    ["removals", "Shared words this group does not flag", TERM_CATEGORIES],
    ["exceptions", "Extra exceptions for this group", EXCEPTION_CATEGORIES],
  ].map(([key, legend, categories]) => h("fieldset", { class: "card" }, h("legend", {}, legend),
    categories.map(([category, label]) => {
      fields[key][category] = linesField(label, `${key}-${category}`, (o[key] || {})[category], onInput, key === "removals" ? "Write the term or any of its spellings." : "One per line.");
      return fields[key][category].wrap;
    })));
  const formNow = () => Object.fromEntries(Object.entries(fields).map(([key, byCat]) => [key, Object.fromEntries(Object.entries(byCat).map(([c, f]) => [c, f.input.value]))]));

  const policyErrors = h("div", {});
  const policy = field("When a message breaks the rule", { kind: "select", id: "trigger-policy", options: POLICIES, value: loaded.trigger_policy });
  const policyStatus = h("p", { role: "status", class: "hint" });
  policy.input.addEventListener("change", async () => {
    clearError(policyErrors);
    try { await api.setPolicy(groupId, policy.input.value); policyStatus.textContent = "Saved."; } catch (error) { showError(policyErrors, error); }
  });
  const save = saveBar(async (summary) => api.saveGroup(groupId, overridesFromForm(formNow()), summary, loaded.version), reload);
  mount(editor, h("section", { class: "card" }, h("h2", {}, "What happens to a flagged message"), policy.wrap, policyStatus, policyErrors),
    tryBox.el, ...fieldsets, save.el, historyPanel(groupId, reload));
  await tryBox.changed();
}

/**
 * Summary, Save and a polite status. After a save the page is rebuilt: the new bar's
 * `saved(text)` puts the keyboard back on its Save button and says what the save did.
 */
function saveBar(doSave, reload) {
  const summary = field("What changed (for the history)", { id: "wordlist-summary", maxlength: 300 });
  const errors = h("div", {});
  const button = h("button", { type: "button" }, "Save lists");
  const status = h("p", { class: "hint wordlist-saved", role: "status", "aria-live": "polite", "data-testid": "wordlist-save-status" });
  button.addEventListener("click", async () => {
    clearError(errors);
    status.textContent = "";
    button.disabled = true;
    try { await doSave(summary.input.value); await reload(); } catch (error) { showProblems(errors, error); button.disabled = false; }
  });
  function saved(text) {
    button.focus();
    // filled in after the region is on the page, so screen readers announce it
    requestAnimationFrame(() => { status.textContent = text; });
  }
  return { el: h("section", { class: "card stack" }, summary.wrap, errors, button, status), saved };
}

/** The live "Try a message" box: debounced, against whatever `body()` says (draft lists). */
function createTryBox(body) {
  const input = field("Message to try", { kind: "textarea", id: "wordlist-try", rows: 2, maxlength: 2000,
    hint: "Shows, as you type, what would be flagged with the lists as they are on this page (saved or not)." });
  const result = h("div", { class: "wordlist-try-result", "aria-live": "polite", "data-testid": "try-result" });
  const matches = h("ul", { class: "plain", "data-testid": "try-matches" });
  const errors = h("div", {});
  let timer = null;
  let sequence = 0;
  async function run() {
    const text = input.input.value;
    const mine = ++sequence;
    if (!text.trim()) { result.replaceChildren(); matches.replaceChildren(); clearError(errors); return; }
    try {
      const answer = await api.tryMessage({ text, ...body() });
      if (mine !== sequence) return;
      clearError(errors);
      mount(result, highlighted(text, answer.hits));
      mount(matches, answer.hits.length === 0 ? h("li", { class: "hint" }, "Nothing would be flagged.") :
        answer.hits.map((hit) => h("li", {}, `\u201c${hit.text}\u201d \u2014 ${CATEGORY_LABELS[hit.category] || hit.category}, by ${hit.rule}`)));
    } catch (error) {
      if (mine === sequence) showProblems(errors, error);
    }
  }
  function changed() {
    clearTimeout(timer);
    return new Promise((resolve) => { timer = setTimeout(() => run().then(resolve), TRY_DEBOUNCE_MS); });
  }
  input.input.addEventListener("input", changed);
  const el = h("section", { class: "card stack", "aria-labelledby": "try-heading" }, h("h2", { id: "try-heading" }, "Try a message"), input.wrap, result, matches, errors);
  return { el, changed };
}

function historyPanel(scope, reload) {
  const list = h("ol", { class: "plain stack" });
  const errors = h("div", {});
  const el = h("details", { class: "card" }, h("summary", {}, h("h2", { class: "inline-heading" }, "History")), errors, list);
  el.addEventListener("toggle", async () => {
    if (!el.open) return;
    try {
      const versions = await api.history(scope);
      mount(list, versions.length === 0 ? h("li", { class: "hint" }, "No saved versions yet: the shipped defaults are in use.") :
        versions.map((v) => {
          const diffSlot = h("div", {});
          return h("li", { class: "stack" },
            h("p", {}, h("strong", {}, `Version ${v.number}`), ` \u00b7 ${v.created_by_name || "someone"} \u00b7 ${formatDateTime(v.created_at)}`),
            v.summary ? h("p", {}, v.summary) : null,
            h("div", { class: "row" },
              h("button", { type: "button", class: "small secondary", onclick: async () => {
                try { renderDiff(diffSlot, await api.diff(scope, v.number - 1, v.number)); } catch (error) { showError(diffSlot, error); }
              } }, "Show changes"),
              h("button", { type: "button", class: "small secondary", onclick: async () => {
                try { await api.revert(scope, v.number - 1); await reload(); } catch (error) { showError(errors, error); }
              } }, `Undo (go back to version ${v.number - 1})`)),
            diffSlot);
        }));
    } catch (error) { showError(errors, error); }
  });
  return el;
}

function renderDiff(slot, changes) {
  const categories = Object.entries(changes);
  mount(slot, categories.length === 0 ? h("p", { class: "hint" }, "No changes to terms or exceptions.") :
    h("ul", {}, categories.map(([category, c]) => h("li", {}, `${CATEGORY_LABELS[category] || category}: `,
      c.added.length ? h("span", {}, "added ", c.added.join("; "), ". ") : null,
      c.removed.length ? h("span", {}, "removed ", c.removed.join("; "), ".") : null))));
}

function yamlPanel(reload) {
  const errors = h("div", {});
  const category = field("List", { kind: "select", id: "yaml-category", options: [["brand", "brand"], ["venue", "venue"], ["amount", "amount"]] });
  const text = field("YAML", { kind: "textarea", id: "yaml-text", rows: 8, hint: "Export fills this box; edit or paste a file, then import to replace that list." });
  const exportButton = h("button", { type: "button", class: "small secondary", onclick: async () => {
    clearError(errors);
    try { text.input.value = await api.exportYaml(category.input.value); } catch (error) { showError(errors, error); }
  } }, "Export");
  const importButton = h("button", { type: "button", class: "small", onclick: async () => {
    clearError(errors);
    try { await api.importYaml(category.input.value, text.input.value); await reload(); } catch (error) { showProblems(errors, error); }
  } }, "Import (replaces this list)");
  return h("details", { class: "card" }, h("summary", {}, h("h2", { class: "inline-heading" }, "Import and export (YAML)")),
    category.wrap, text.wrap, errors, h("div", { class: "row" }, exportButton, importButton));
}
