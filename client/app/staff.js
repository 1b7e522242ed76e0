// The staff app (index.html): sign in, forced password change, admin pages, facilitator console.
// Pages are chosen by the URL hash: #/sessions, #/console/<session id>, #/admin/<page>.
import { h, mount, focusHeading, formatDateTime } from "../lib/dom.js";
import { showError } from "../lib/api.js";
import { fetchMe, login, logout, changePassword } from "../features/auth/api.js";
import { landingFor } from "../features/auth/state.js";
import { renderSignIn, renderChangePassword } from "../features/auth/view.js";
import { listMySessions } from "../features/admin/api.js";
import { renderGroups } from "../features/admin/groups.js";
import { renderFacilitators } from "../features/admin/facilitators.js";
import { renderSessions } from "../features/admin/sessions.js";
import { renderInvites } from "../features/admin/invites.js";
import { renderAudit } from "../features/admin/audit.js";
import { renderWordlists } from "../features/wordlists/view.js";
import { renderIncidentsAdmin } from "../features/incidents/view.js";
import { renderSignpostingAdmin } from "../features/signposting/view.js";
import { ROLE_LABELS } from "../features/room/state.js";
import { STATE_LABELS } from "../features/session/state.js";
import { openConsole } from "./console.js";
import { renderSummary } from "../features/summary/view.js";

const page = document.getElementById("page");
const nav = document.getElementById("nav");
const account = document.getElementById("account");
let user = null;
let closeConsole = null;
let mySessions = [];

const ADMIN_PAGES = {
  groups: ["Groups", renderGroups],
  facilitators: ["Facilitators", renderFacilitators],
  sessions: ["Sessions", renderSessions],
  invites: ["Invite links", renderInvites],
  wordlists: ["Trigger words", renderWordlists],
  audit: ["Audit log", renderAudit],
  incidents: ["Incidents", renderIncidentsAdmin],
  signposting: ["Signposting", renderSignpostingAdmin],
};

function renderChrome(route) {
  if (!user || user.must_change_password) {
    nav.replaceChildren();
    account.replaceChildren();
    return;
  }
  const links = [];
  if (user.is_facilitator) links.push(["#/sessions", "My sessions"]);
  if (user.is_admin) for (const [key, [label]] of Object.entries(ADMIN_PAGES)) links.push([`#/admin/${key}`, label]);
  mount(nav, links.map(([href, label]) => h("a", { href, "aria-current": route.startsWith(href.slice(1)) ? "page" : undefined }, label)));
  mount(account,
    h("span", { class: "hint" }, user.display_name),
    h("a", { href: "#/password" }, "Change password"),
    h("button", { type: "button", class: "small secondary", onclick: signOut }, "Sign out"));
}

async function signOut() {
  try { await logout(); } catch { /* signed out either way */ }
  user = null;
  location.hash = "";
  await route();
}

async function renderMySessions(container) {
  const errors = h("div", {});
  const list = h("div", {});
  mount(container, h("h1", {}, "My sessions"), errors, list);
  focusHeading(container);
  try {
    mySessions = await listMySessions();
    mount(list, mySessions.length === 0 ? h("p", {}, "You have no sessions planned. An admin assigns sessions to facilitators.") :
      h("ul", { class: "plain" }, mySessions.map((s) => h("li", { class: "stack", "data-session-id": s.id },
        h("h2", {}, s.theme ? `${s.group_name}: ${s.theme}` : s.group_name),
        h("p", { class: "hint" }, `${formatDateTime(s.scheduled_start)} · ${STATE_LABELS[s.state] || s.state} · you are ${ROLE_LABELS[s.my_role] || s.my_role}`),
        h("p", {}, h("a", { class: "button", href: `#/console/${encodeURIComponent(s.id)}`, "aria-label": `Open console for ${s.group_name}${s.theme ? `: ${s.theme}` : ""}` }, "Open console"))))));
  } catch (error) {
    showError(errors, error);
  }
}

async function route() {
  if (closeConsole) { closeConsole(); closeConsole = null; }
  if (!user) {
    try { user = await fetchMe(); } catch (error) { if (error.code !== "not_signed_in" && error.status !== 401) showError(page, error); user = null; }
  }
  const hash = location.hash.replace(/^#/, "");
  const landing = landingFor(user);
  renderChrome(hash);
  if (landing === "sign-in") {
    mount(page, renderSignIn({ onSignIn: async (email, password) => { user = await login(email, password); location.hash = ""; await route(); } }));
    page.querySelector("input").focus();
    return;
  }
  if (landing === "change-password" || hash === "/password") {
    const forced = landing === "change-password";
    mount(page, renderChangePassword({
      forced,
      onChange: async (current, next) => {
        await changePassword(current, next);
        user = { ...user, must_change_password: false };
        location.hash = "";
        await route();
      },
    }));
    focusHeading(page);
    return;
  }
  const [, section, arg] = hash.split("/");
  if (section === "admin" && user.is_admin && ADMIN_PAGES[arg]) {
    await ADMIN_PAGES[arg][1](page);
  } else if (section === "console" && user.is_facilitator && arg) {
    const id = decodeURIComponent(arg);
    if (!mySessions.some((s) => s.id === id)) {
      try { mySessions = await listMySessions(); } catch (error) { showError(page, error); return; }
    }
    const session = mySessions.find((s) => s.id === id);
    if (!session) { mount(page, h("p", { class: "notice notice-error", role: "alert" }, "This session is not one of yours, or it no longer exists.")); return; }
    closeConsole = openConsole(page, session);
  } else if (section === "summary" && user.is_facilitator && arg) {
    await renderSummary(page, decodeURIComponent(arg));
  } else if (landing === "sessions" || (section === "sessions" && user.is_facilitator)) {
    await renderMySessions(page);
  } else if (user.is_admin) {
    await renderGroups(page);
  } else {
    mount(page, h("p", {}, "Your account has no role yet. Please ask an admin."));
  }
}

window.addEventListener("hashchange", route);
route();
