"""Amount grammar: sums of money and odds are flagged, look-alike numbers are not."""

from __future__ import annotations

import pytest

from rules.matcher import Hit, default_matcher


def amounts(text: str) -> list[str]:
    return [h.text for h in default_matcher().scan(text) if h.category == "amount"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lost £4,000 last night", ["£4,000"]),
        ("lost £4000 last night", ["£4000"]),
        ("£3 400 on the card", ["£3 400"]),
        ("£2.5k gone", ["£2.5k"]),
        ("it was 3.5k in the end", ["3.5k"]),
        ("about 12k of debt", ["12k"]),
        ("put 20p in the machine", ["20p"]),
        ("owed him 500 quid", ["500 quid"]),
        ("owed him 500quid", ["500quid"]),
        ("owed him five hundred pounds", ["five hundred pounds"]),
        ("hundreds of pounds every week", ["hundreds of pounds"]),
        ("thousands of quid down the drain", ["thousands of quid"]),
        ("only ever a few quid", ["a few quid"]),
        ("a couple of grand on the card", ["a couple of grand"]),
        ("two grand on a horse", ["two grand"]),
        ("TWO GRAND on a horse", ["TWO GRAND"]),
        ("2 grand gone", ["2 grand"]),
        ("lent him a grand", ["a grand"]),
        ("twenty five quid", ["twenty five quid"]),
        ("two hundred and fifty pounds", ["two hundred and fifty pounds"]),
        ("$200 on an app", ["$200"]),
        ("€50 in Spain", ["€50"]),
        ("50 euros in Spain", ["50 euros"]),
        ("100 dollars", ["100 dollars"]),
        ("a tenner on the favourite", ["a tenner"]),
        ("just a cheeky fiver", ["a cheeky fiver"]),
        ("tenner each way", ["tenner"]),
        ("a bag of sand on the boxing", ["a bag of sand"]),
        ("stuck a pony on it", ["a pony"]),
        ("a ton each way", ["a ton"]),
        ("lost a monkey", ["a monkey"]),
        ("a score on the first race", ["a score"]),
        ("put a bullseye on red", ["a bullseye"]),
        ("£1m win", ["£1m"]),
        ("£5 million", ["£5 million"]),
        ("rent is £650 a month", ["£650"]),
        ("£３００ with full-width digits", ["£３００"]),
        ("£3\u200b000 split by a zero-width space", ["£3\u200b000"]),
        ("8 0 0 quid in a night", ["8 0 0 quid"]),
        ("backed it at 5/2", ["5/2"]),
        ("a 10/1 shot came in", ["10/1"]),
        ("33/1 outsider", ["33/1"]),
        ("it was evens", ["evens"]),
        ("the odds-on favourite fell", ["odds-on"]),
        ("100 to 1 it said", ["100 to 1"]),
        ("took 3-1 on the draw", ["3-1"]),
        ("a few hundred quid", ["a few hundred quid"]),
        ("couple of hundred quid", ["couple of hundred quid"]),
        ("a couple of tenners", ["a couple of tenners"]),
        ("backed it at 10 to 1", ["10 to 1"]),
        ("2 to 1 on the favourite", ["2 to 1"]),
        ("at even money", ["even money"]),
        ("the horse was 7/2 favourite", ["7/2"]),
        ("Won £1,250.50 then lost it", ["£1,250.50"]),
        ("lost 10K", ["10K"]),
        ("lost fifty pounds at the bingo", ["fifty pounds"]),
        ("my pocket money was 50p a week", ["50p"]),
    ],
)
def test_amount_is_flagged(text: str, expected: list[str]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "lost 6 pounds on the new diet",
        "put on 10 pounds since christmas, need the gym",
        "did a 5k run this morning",
        "ran 10k for charity",
        "10k steps every day now",
        "bought a 4k tv",
        "4k/5G phone",
        "i'm 34 and a dad of two",
        "90 days clean today",
        "meeting at 7.30 on tuesday",
        "see you at 8",
        "between 8 and 12",
        "on 5/2 I start the new job",
        "born 12/04/1988",
        "won 3-1 on saturday",
        "we drew 2-2",
        "call me on 07700 900123",
        "75% of the way there",
        "rated it 10/10",
        "wordle 3/6 today",
        "quids in now I'm not gambling",
        "my grand kids came round",
        "that's grand, thanks",
        "a ton of washing to do",
        "a pony ride at the fair",
        "cheeky monkey stole my chips",
        "my credit score went up",
        "what's the score in the match",
        "my daughter wants a pony for her birthday",
        "I feel like a million dollars",
        "£££ signs everywhere",
        "every penny went",
        "my wages went",
        "money money money",
        "it evens out in the end",
        "odds and evens",
        "had a grand day out",
        "24/7 support line",
        "50/50 chance I'll make it",
        "watching in 1080p",
        "1 in 5 people",
        "2 years on",
        "page 10",
        "we met at 10 to 1",
        "I'd say it's odds on he'll turn up",
        "the score was 2-1 to us",
        "lost 6 stone, 84 pounds in total",
        "a 10k race in the spring",
        "i'm 5 ft 10",
        "320 days clean",
        "call 0808 8020 133",
        "it cost me a fortune",
        "a hundred people came to the meeting",
        "five of us went for a walk",
        "scored a century for the cricket club",
        "the monkey sanctuary was lovely",
    ],
)
def test_not_an_amount(text: str) -> None:
    assert amounts(text) == []


def test_amount_offsets_point_into_original_text() -> None:
    text = "Ｌost £3\u200b400 😎 and 20 quid"
    hits: list[Hit] = [h for h in default_matcher().scan(text) if h.category == "amount"]
    assert [text[h.start : h.end] for h in hits] == ["£3\u200b400", "20 quid"]
    assert all(h.text == text[h.start : h.end] for h in hits)


def test_amount_rule_names_the_grammar_rule() -> None:
    (hit,) = default_matcher().scan("£20 on it")
    assert hit.rule == "currency sign and number"


@pytest.mark.parametrize(
    "text",
    [
        "I bet she wants a pony",
        "the kids want a pony and a monkey",
        "he put me down a score of times",
    ],
)
def test_slang_needs_the_betting_word_close_by(text: str) -> None:
    assert amounts(text) == []
