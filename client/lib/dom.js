// Building DOM without HTML strings: every piece of text goes in through textContent.

/**
 * h("button", {class: "x", onclick: fn, "aria-label": "..."}, "text", child, ...)
 * Attributes starting with "on" become listeners; `text` values are always text nodes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "value") {
      el.value = value;
    } else if (key === "checked" || key === "disabled" || key === "selected" || key === "required") {
      el[key] = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace everything inside `el` with `children`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldCounter = 0;
/** A labelled form field: returns {wrap, input}. `kind` is "input", "textarea" or "select". */
export function field(labelText, { kind = "input", hint, options, ...attrs } = {}) {
  const id = attrs.id || `f${++fieldCounter}`;
  const hintId = hint ? `${id}-hint` : undefined;
  let input;
  if (kind === "select") {
    input = h("select", { ...attrs, id, "aria-describedby": hintId },
      (options || []).map(([value, text]) => h("option", { value }, text)));
    if (attrs.value !== undefined) input.value = attrs.value;
  } else {
    input = h(kind, { type: kind === "input" ? attrs.type || "text" : undefined, ...attrs, id, "aria-describedby": hintId });
  }
  const wrap = h("div", { class: "field" },
    h("label", { for: id }, labelText),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    input);
  return { wrap, input };
}

/** Move keyboard focus to the main heading of a new screen so screen readers announce it. */
export function focusHeading(root) {
  const heading = root.querySelector("h1, h2");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function formatDateTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

/** Copy text, falling back to selecting it when the clipboard API is not allowed. */
export async function copyText(text, fallbackInput) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (fallbackInput) {
      fallbackInput.select();
    }
    return false;
  }
}
