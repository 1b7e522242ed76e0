"""Finding a term on the admin "Trigger words" page: the search only hides rows. The try box
and a save still use every term, and a term added while searching is shown and focused."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.flows import Staff, staff_login

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
PASSWORD = "steady lighthouse morning 9"
QUERY = "WillHill"  # only "william hill" has it, as one of its other spellings


def found(entry: dict[str, Any], query: str) -> bool:
    text = [entry["term"], ", ".join(entry.get("aliases", [])), entry.get("note", "")]
    return any(query.lower() in part.lower() for part in text)


async def open_wordlists(staff: Staff, browser: Any) -> Page:
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    await staff.sign_in_browser(context)
    page: Page = await context.new_page()
    await page.goto(f"{staff.base_url}/#/admin/wordlists")
    await expect(page.get_by_role("heading", name="Trigger words", level=1)).to_be_visible()
    return page


async def test_finding_a_term_hides_rows_but_try_and_save_keep_every_term(
    live_server: LiveServer, browser: Any
) -> None:
    admin = await staff_login(
        live_server.base_url, live_server.admin_email, live_server.admin_password, PASSWORD
    )
    try:
        shipped = (await admin.call("GET", "/api/wordlists"))["lists"]["brand"]["terms"]
        total = len(shipped)
        matching = [e["term"] for e in shipped if found(e, QUERY)]
        assert matching == ["william hill"]
        page = await open_wordlists(admin, browser)
        brands = page.get_by_test_id("terms-brand")
        terms = brands.get_by_role("textbox", name="Term", exact=True)
        count = page.get_by_test_id("find-brand-count")
        search = page.get_by_role("searchbox", name="Find a brand term")
        await expect(count).to_have_text(f"{total} terms")
        await expect(count).to_have_attribute("aria-live", "polite")

        await search.fill(QUERY)
        await expect(count).to_have_text(f"1 of {total} shown")
        await expect(terms).to_have_count(1)
        await expect(terms).to_have_value("william hill")

        # a term from a hidden row is still flagged by the try box (the draft has every row)
        await page.get_by_label("Message to try").fill("back on bet365 and wombatspin")
        await expect(page.get_by_test_id("try-matches")).to_contain_text("brand, by bet365")

        await page.get_by_role("button", name="Add a brand term").click()
        await expect(terms).to_have_count(2)
        await expect(terms.last).to_be_focused()
        await expect(count).to_have_text(f"2 of {total + 1} shown")
        await expect(page.get_by_role("heading", name=f"Brands ({total + 1})")).to_be_visible()
        await page.keyboard.type("wombatspin")
        await expect(page.get_by_test_id("try-matches")).to_contain_text("brand, by wombatspin")
        await expect(page.get_by_test_id("try-matches")).to_contain_text("brand, by bet365")

        # the new row stays in view when the search changes to something it does not have
        await search.fill("nothing has this")
        await expect(count).to_have_text(f"1 of {total + 1} shown")
        await expect(terms).to_have_count(1)
        await expect(terms).to_have_value("wombatspin")
        await search.fill(QUERY)
        await expect(count).to_have_text(f"2 of {total + 1} shown")

        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.get_by_label("What changed (for the history)").fill("wombatspin added")
        await page.get_by_role("button", name="Save lists").click()
        await expect(page.get_by_text("Version 1.")).to_be_visible()

        saved = (await admin.call("GET", "/api/wordlists"))["lists"]["brand"]["terms"]
        assert saved == [*shipped, {"term": "wombatspin"}]
        # after the save the page shows every term again, the new one included
        await expect(count).to_have_text(f"{total + 1} terms")
        await expect(terms).to_have_count(total + 1)
        await expect(terms.last).to_have_value("wombatspin")
    finally:
        await admin.http.close()


async def test_search_box_is_cleared_by_its_button_and_by_escape(
    live_server: LiveServer, browser: Any
) -> None:
    admin = await staff_login(
        live_server.base_url, live_server.admin_email, live_server.admin_password, PASSWORD
    )
    try:
        page = await open_wordlists(admin, browser)
        places = page.get_by_test_id("terms-venue")
        await page.get_by_text("Places (venues)").click()
        search = page.get_by_role("searchbox", name="Find a place term")
        count = page.get_by_test_id("find-venue-count")
        total = int((await count.inner_text()).split()[0])

        await search.fill("NO SUCH PLACE")
        await expect(count).to_have_text(f"0 of {total} shown")
        await expect(page.get_by_test_id("find-venue-nothing")).to_be_visible()
        await page.get_by_role("button", name="Clear the place search").click()
        await expect(search).to_be_focused()
        await expect(search).to_have_value("")
        await expect(count).to_have_text(f"{total} terms")
        await expect(places.get_by_role("textbox", name="Term", exact=True)).to_have_count(total)

        # a note is searched too (no shipped place has one, so write one)
        note = places.get_by_role("textbox", name="Note for admins").first
        await note.fill("Checked with the Tuesday group")
        await search.fill("tuesday")
        await expect(count).to_have_text(f"1 of {total} shown")
        await search.press("Escape")
        await expect(search).to_have_value("")
        await expect(count).to_have_text(f"{total} terms")
    finally:
        await admin.http.close()


FOLDING_CASES_JS = """async () => {
  const s = await import("/static/features/wordlists/state.js");
  const row = (term, aliases = "", note = "") => ({ term, aliases, note });
  const finds = (r, query) => s.rowFound(r, s.findKey(query));
  const a = row("Caf\u00e9 Royal");
  const b = row("paddy power", "paddy's, pp bet");
  const c = row("coral", "", "the reef is an exception");
  return {
    accent: finds(a, "cafe"),
    curlyApostrophe: finds(b, "Paddy\u2019s"),
    noteUpperCase: finds(c, "REEF"),
    spacing: finds(b, "  PP   bet "),
    miss: finds(c, "hill"),
    empty: finds(c, "   "),
    shown: s.shownRows([a, b, c], "coral", new Set([a])),
    counts: [
      s.describeShown(12, 148, "bet"), s.describeShown(148, 148, "  "), s.describeShown(1, 1, ""),
    ],
  };
}"""


async def test_find_folds_case_accents_quotes_and_spacing(
    live_server: LiveServer, browser: Any
) -> None:
    """The pure find rules in client/features/wordlists/state.js, run in the browser that uses
    them (the project has no separate JavaScript test runner)."""
    admin = await staff_login(
        live_server.base_url, live_server.admin_email, live_server.admin_password, PASSWORD
    )
    try:
        page = await open_wordlists(admin, browser)
        assert await page.evaluate(FOLDING_CASES_JS) == {
            "accent": True,
            "curlyApostrophe": True,
            "noteUpperCase": True,
            "spacing": True,
            "miss": False,
            "empty": True,
            "shown": [True, False, True],
            "counts": ["12 of 148 shown", "148 terms", "1 term"],
        }
    finally:
        await admin.http.close()
