"""Brands and venues: every spelling trick finds the same span; other senses are left alone."""

from __future__ import annotations

import pytest

from rules.matcher import default_matcher

# (name as typed, category) - spelled as a member would type it.
NAMES = [
    ("Bet365", "brand"),
    ("Paddy Power", "brand"),
    ("William Hill", "brand"),
    ("Ladbrokes", "brand"),
    ("Coral", "brand"),
    ("Betfred", "brand"),
    ("Sky Bet", "brand"),
    ("Betfair", "brand"),
    ("888poker", "brand"),
    ("32Red", "brand"),
    ("EuroMillions", "brand"),
    ("Thunderball", "brand"),
    ("Mecca Bingo", "brand"),
    ("Grosvenor Casino", "brand"),
    ("Rainbow Riches", "brand"),
    ("bookies", "venue"),
    ("betting shop", "venue"),
    ("casino", "venue"),
    ("amusements", "venue"),
    ("bingo hall", "venue"),
    ("racecourse", "venue"),
    ("fruit machines", "venue"),
    ("FOBTs", "venue"),
    ("slot machines", "venue"),
    ("Grand National", "venue"),
    ("Cheltenham Festival", "venue"),
    ("Royal Ascot", "venue"),
    ("St Leger", "venue"),
    ("Aintree", "venue"),
    ("Wetherby races", "venue"),
]


def casings(name: str) -> list[str]:
    return [name, name.lower(), name.upper(), name.title()]


def wrap(name: str) -> list[tuple[str, int]]:
    """Sentences around the name, with the name's start offset."""
    frames = ["{} again", "went to {} again", "({})", '"{}"!', "it was {}.", "{}'s fault", "{}?"]
    return [(f.format(name), f.index("{}")) for f in frames]


CASES = [
    (text, start, len(variant), category)
    for name, category in NAMES
    for variant in casings(name)
    for text, start in wrap(variant)
]


@pytest.mark.parametrize(("text", "start", "length", "category"), CASES)
def test_name_in_any_case_and_punctuation(
    text: str, start: int, length: int, category: str
) -> None:
    hits = default_matcher().scan(text)
    assert [(h.category, h.start, h.end) for h in hits] == [(category, start, start + length)]


# Evasions: (text, expected category, expected span text)
EVASIONS = [
    ("lost it all on b365", "brand", "b365"),
    ("b e t 3 6 5 again", "brand", "b e t 3 6 5"),
    ("B.E.T.F.A.I.R is the worst", "brand", "B.E.T.F.A.I.R"),
    ("p-a-d-d-y p-o-w-e-r texts", "brand", "p-a-d-d-y p-o-w-e-r"),
    ("w1ll1am h1ll app", "brand", "w1ll1am h1ll"),
    ("l4dbr0kes again", "brand", "l4dbr0kes"),
    ("c0ral on the corner", "brand", "c0ral"),
    ("sky\u200bbet notifications", "brand", "sky\u200bbet"),
    ("Bet\u00ad365 login", "brand", "Bet\u00ad365"),
    ("Веtfred shop", "brand", "Веtfred"),  # Cyrillic В and е
    ("Lаdbrоkеs shop", "brand", "Lаdbrоkеs"),
    (
        "\U0001d401\U0001d41e\U0001d42d\U0001d41f\U0001d42b\U0001d41e\U0001d41d app",
        "brand",
        "\U0001d401\U0001d41e\U0001d42d\U0001d41f\U0001d42b\U0001d41e\U0001d41d",
    ),
    ("ＢＥＴ３６５ in full width", "brand", "ＢＥＴ３６５"),
    ("Ladbrókes with an accent", "brand", "Ladbrókes"),
    ("down the paddys after work", "brand", "paddys"),
    ("willhill app deleted", "brand", "willhill"),
    ("c a s i n o night", "venue", "c a s i n o"),
    ("b00kies at lunch", "venue", "b00kies"),
    ("the bookie’s on the corner", "venue", "bookie"),
    ("c@sino trip", "venue", "c@sino"),
    ("down the Mecca every friday", "brand", "the Mecca"),
    ("Crayford on a tuesday", "venue", "Crayford"),
    ("the dogs at Romford dogs", "venue", "the dogs"),
    ("b3t365 account", "brand", "b3t365"),
    ("888 poker", "brand", "888 poker"),
    ("3 2 r e d", "brand", "3 2 r e d"),
    ("w-i-l-l-i-a-m h-i-l-l", "brand", "w-i-l-l-i-a-m h-i-l-l"),
    ("L A D B R O K E S", "brand", "L A D B R O K E S"),
    ("the Tote", "brand", "the Tote"),
    ("played the machines in the pub", "venue", "machines in the pub"),
]


@pytest.mark.parametrize(("text", "category", "span"), EVASIONS)
def test_evasion_is_caught(text: str, category: str, span: str) -> None:
    hits = default_matcher().scan(text)
    assert (category, span) in [(h.category, h.text) for h in hits]
    assert all(text[h.start : h.end] == h.text for h in hits)


@pytest.mark.parametrize(
    "text",
    [
        "snorkelling over the coral reef",
        "coral and navy for the wedding",
        "went to Mecca for hajj",
        "the swimming gala was fun",
        "my new tote bag",
        "living near Ladbroke Grove",
        "St Paddy's Day parade",
        "Paddy said hello",
        "paddy fields in the documentary",
        "watching Sky Sports",
        "the Sun was out",
        "read it in the Sun newspaper",
        "Hearts won again",
        "Admiral car insurance renewal",
        "walking the dogs by the river",
        "feeding the dogs",
        "shopping arcade in town",
        "played arcade games at home",
        "bingo wings from the gym",
        "bingo! found my keys",
        "joined GamStop today",
        "GamCare counsellor was lovely",
        "Gamblers Anonymous on thursday",
        "BetKnowMore workshop",
        "rang the National Gambling Helpline",
        "the running track at school",
        "went to the bookshop",
        "my bookkeeper sorted it",
        "we went to Las Vegas for a wedding",
        "my sister lives in York",
        "the lottery of getting a GP appointment",
        "I bet you're right",
        "the odds are good",
        "took a gamble on the new job",
        "hit the jackpot with this group",
        "extra virgin olive oil",
        "a stakeholder meeting at work",
        "slots and roulette were my thing",
        "scratchcards from the shop",
        "the acca never came in",
        "hill walking is my thing",
        "william came round for tea",
        "the machines at work keep breaking",
        "totes amazing news",
        "we've got 2 dogs and the dogs keep me going",
        "I work near Aintree hospital",
        "Admiral of the Fleet at the museum",
        "c o r a l reef photos",
        "paddy fields",
        "my nan's coral necklace, coral and gold",
    ],
)
def test_other_senses_are_not_flagged(text: str) -> None:
    assert default_matcher().scan(text) == []


def test_exception_cancels_only_the_hit_it_overlaps() -> None:
    hits = default_matcher().scan("coral reef documentary then Coral for a bet")
    assert [(h.category, h.text) for h in hits] == [("brand", "Coral")]
    assert hits[0].start == 28


def test_brand_containing_a_venue_word_is_one_brand_span() -> None:
    for name in ("Gala Casino", "Mecca Bingo", "Genting Casino", "Foxy Bingo"):
        hits = default_matcher().scan(f"the {name} on friday")
        assert [(h.category, h.text) for h in hits] == [("brand", name)]


def test_rule_names_the_term_and_alias() -> None:
    (hit,) = default_matcher().scan("b365 again")
    assert hit.rule == "bet365 (as b365)"
