"""Finding and adding terms on the admin "Trigger words" page: the search only hides rows, the
try box and a save still use every term. "Add" sits by the search, above the rows; an added term
goes on top (newest first), shown and focused, and is saved after the loaded terms."""

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
# scroll so that an element sits at the bottom edge of the screen
TO_SCREEN_BOTTOM = "el => window.scrollBy(0, el.getBoundingClientRect().bottom - innerHeight)"


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
        add = page.get_by_role("button", name="Add a brand term")
        await expect(count).to_have_text(f"{total} terms")
        await expect(count).to_have_attribute("aria-live", "polite")

        # each row is a list item holding a group named after its term, so a screen reader can
        # tell 150 "Term" boxes apart; the short visible labels stay as they are
        await expect(brands.get_by_role("listitem")).to_have_count(total)
        bet365 = brands.get_by_role("group", name="bet365", exact=True)
        await expect(bet365).to_have_count(1)
        await expect(bet365.get_by_role("textbox", name="Term", exact=True)).to_have_value("bet365")
        await expect(bet365.get_by_role("button", name="Remove bet365")).to_be_visible()

        # "Add" is above the rows and next after the search in tab order
        await expect(terms.first).to_have_value(shipped[0]["term"])
        add_box = await add.bounding_box()
        first_row = await brands.locator("li").first.bounding_box()
        assert add_box and first_row and add_box["y"] + add_box["height"] <= first_row["y"]
        await search.focus()
        await page.keyboard.press("Tab")
        await expect(add).to_be_focused()

        await search.fill(QUERY)
        await expect(count).to_have_text(f"1 of {total} shown")
        await expect(terms).to_have_count(1)
        await expect(terms).to_have_value("william hill")

        # a term from a hidden row is still flagged by the try box (the draft has every row)
        await page.get_by_label("Message to try").fill("back on bet365 and wombatspin")
        await expect(page.get_by_test_id("try-matches")).to_contain_text("brand, by bet365")

        await add.click()
        await expect(terms).to_have_count(2)
        await expect(terms.first).to_be_focused()
        await expect(terms.first).to_have_value("")
        new_group = brands.get_by_role("group", name="New brand term", exact=True)
        await expect(new_group).to_have_count(1)
        await expect(new_group.get_by_role("textbox", name="Term", exact=True)).to_be_focused()
        # its Remove button names the row as its group does
        await expect(
            new_group.get_by_role("button", name="Remove new brand term", exact=True)
        ).to_be_visible()
        await expect(terms.nth(1)).to_have_value("william hill")
        await expect(count).to_have_text(f"2 of {total + 1} shown")
        await expect(page.get_by_role("heading", name=f"Brands ({total + 1})")).to_be_visible()
        await page.keyboard.type("wombatspin")
        # the group takes the typed term as its name, as the Remove button does
        await expect(new_group).to_have_count(0)
        wombatspin = brands.get_by_role("group", name="wombatspin", exact=True)
        await expect(wombatspin.get_by_role("textbox", name="Term", exact=True)).to_be_focused()
        await expect(wombatspin.get_by_role("button", name="Remove wombatspin")).to_be_visible()
        await expect(page.get_by_test_id("try-matches")).to_contain_text("brand, by wombatspin")
        await expect(page.get_by_test_id("try-matches")).to_contain_text("brand, by bet365")

        # the new row stays in view when the search changes to something it does not have
        await search.fill("nothing has this")
        await expect(count).to_have_text(f"1 of {total + 1} shown")
        await expect(terms).to_have_count(1)
        await expect(terms).to_have_value("wombatspin")
        await search.fill(QUERY)
        await expect(count).to_have_text(f"2 of {total + 1} shown")

        # every row shown again; a second term added from the keyboard goes on top, newest first,
        # scrolled to even when "Add" was at the bottom of the screen
        await search.press("Escape")
        await expect(count).to_have_text(f"{total + 1} terms")
        await page.keyboard.press("Tab")
        await expect(add).to_be_focused()
        await add.evaluate(TO_SCREEN_BOTTOM)
        await page.keyboard.press("Enter")
        await expect(terms.first).to_be_focused()
        await expect(terms.first).to_be_in_viewport()
        header = await page.locator(".app-header").bounding_box()
        new_row = await brands.locator("li").first.bounding_box()
        assert header and new_row and new_row["y"] >= header["y"] + header["height"]
        await expect(new_group).to_have_count(1)
        await page.keyboard.type("quokkabet")
        await expect(brands.get_by_role("group", name="quokkabet", exact=True)).to_be_visible()
        await expect(terms.nth(1)).to_have_value("wombatspin")
        await expect(terms.nth(2)).to_have_value(shipped[0]["term"])
        await expect(count).to_have_text(f"{total + 2} terms")
        await expect(page.get_by_role("heading", name=f"Brands ({total + 2})")).to_be_visible()

        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.get_by_label("What changed (for the history)").fill("two brands added")
        await page.get_by_role("button", name="Save lists").click()
        await expect(page.get_by_text("Version 1.")).to_be_visible()

        # saved once each: the loaded terms in their order, then the added ones, oldest first
        saved = (await admin.call("GET", "/api/wordlists"))["lists"]["brand"]["terms"]
        assert saved == [*shipped, {"term": "wombatspin"}, {"term": "quokkabet"}]
        # after the save the page shows every term again in the saved order
        await expect(count).to_have_text(f"{total + 2} terms")
        await expect(terms).to_have_count(total + 2)
        await expect(terms.first).to_have_value(shipped[0]["term"])
        await expect(terms.nth(total)).to_have_value("wombatspin")
        await expect(terms.last).to_have_value("quokkabet")

        # the save says which terms it added, politely, and keeps the keyboard on Save
        status = page.get_by_test_id("wordlist-save-status")
        await expect(status).to_have_text("Saved. 2 new brand terms added: wombatspin, quokkabet.")
        await expect(status).to_have_attribute("role", "status")
        await expect(status).to_have_attribute("aria-live", "polite")
        await expect(page.get_by_role("button", name="Save lists")).to_be_focused()
        # their rows, at the end of the list, say "New" in words; no other row does
        for term in ("wombatspin", "quokkabet"):
            group = brands.get_by_role("group", name=term, exact=True)
            await expect(group.get_by_text("New", exact=True)).to_be_visible()
            await expect(group).to_contain_text("New (added by the last save)")
        await expect(brands.get_by_text("New", exact=True)).to_have_count(2)
        await expect(bet365.get_by_text("New", exact=True)).to_have_count(0)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # the next save adds nothing: it says so plainly, and the marks are gone
        await page.get_by_label("What changed (for the history)").fill("no new terms")
        await page.get_by_role("button", name="Save lists").click()
        await expect(page.get_by_text("Version 2.")).to_be_visible()
        await expect(status).to_have_text("Saved.")
        await expect(terms).to_have_count(total + 2)
        await expect(brands.get_by_text("New", exact=True)).to_have_count(0)
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

        # a new place row is named for its kind until it has a term
        await page.get_by_role("button", name="Add a place term").click()
        new_place = places.get_by_role("group", name="New place term", exact=True)
        await expect(new_place).to_have_count(1)
        await expect(
            new_place.get_by_role("button", name="Remove new place term", exact=True)
        ).to_be_visible()
        await page.keyboard.type("  The Crown  ")
        await expect(places.get_by_role("group", name="The Crown", exact=True)).to_have_count(1)
        await places.get_by_role("button", name="Remove The Crown").click()
        await expect(count).to_have_text(f"{total} terms")

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

ORDER_CASES_JS = """async () => {
  const s = await import("/static/features/wordlists/state.js");
  const row = (term) => ({ term, aliases: "", note: "" });
  const loaded = [row("bet365"), row("coral")];
  const added = [row("first added"), row(""), row("last added")];
  const rows = [...loaded, ...added];
  const saved = s.globalFromForm({}, { brand: rows, venue: [] }, {});
  return {
    shown: s.displayOrder(rows, new Set(added)).map((r) => r.term),
    nothingAdded: s.displayOrder(loaded, new Set()).map((r) => r.term),
    saved: saved.brand.terms.map((t) => t.term),
    added: [
      s.addedTerms(
        [{ term: "bet365" }, "coral"],
        [{ term: "BET365 " }, { term: "coral" }, { term: " xyz" }, "abc", { term: "XYZ" }],
      ),
      s.addedTerms([{ term: "bet365" }], [{ term: "bet365" }]),
    ],
    describe: [
      s.describeSaved([["brand", []], ["place", []]]),
      s.describeSaved([["brand", ["xyz"]], ["place", ["The Crown", "Red Lion"]]]),
      s.describeSaved([["brand", ["a", "b", "c", "d", "e"]]]),
    ],
    labels: [
      s.rowLabels(row("  bet365 "), "brand", false),
      s.rowLabels(row(""), "brand", true),
      s.rowLabels(row("   "), "place", true),
      s.rowLabels(row(""), "place", false),
    ],
  };
}"""


async def test_find_folds_case_accents_quotes_and_spacing_and_added_rows_show_first(
    live_server: LiveServer, browser: Any
) -> None:
    """The pure find, order and row-naming rules in client/features/wordlists/state.js, run in
    the browser that uses them (the project has no separate JavaScript test runner)."""
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
        # added rows show on top, newest first; a save keeps the loaded order, then the added
        # ones oldest first, and drops a blank row
        assert await page.evaluate(ORDER_CASES_JS) == {
            "shown": ["last added", "", "first added", "bet365", "coral"],
            "nothingAdded": ["bet365", "coral"],
            "saved": ["bet365", "coral", "first added", "last added"],
            # a save added the terms read back that were not loaded before it (trimmed, case
            # ignored, each once), and its status names the first three and counts the rest
            "added": [["xyz", "abc"], []],
            "describe": [
                "Saved.",
                "Saved. 1 new brand term added: xyz. 2 new place terms added: The Crown, Red Lion.",
                "Saved. 5 new brand terms added: a, b, c and 2 more.",
            ],
            # a row's group and Remove names: the term, else what kind of row it is
            "labels": [
                {"group": "bet365", "remove": "Remove bet365"},
                {"group": "New brand term", "remove": "Remove new brand term"},
                {"group": "New place term", "remove": "Remove new place term"},
                {"group": "Blank place term", "remove": "Remove blank place term"},
            ],
        }
    finally:
        await admin.http.close()
