"""Pseudonym rules and the sliding-window login limiter (pure, fixed times)."""

from __future__ import annotations

import pytest

from facilitator.errors import DomainError
from facilitator.pseudonyms import validate_pseudonym
from server.services.login_limits import LoginLimiter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Sam ", "Sam"),
        ("Zoë", "Zoë"),
        ("J.R.", "J.R."),
        ("x" * 40, "x" * 40),
        ("Mary Anne 2", "Mary Anne 2"),
    ],
)
def test_good_pseudonyms(raw, expected):
    assert validate_pseudonym(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "pseudonym_empty"),
        ("x" * 41, "pseudonym_too_long"),
        ("a\tb", "pseudonym_invalid"),
        ("a\u200bb", "pseudonym_invalid"),
        ("me@mail.org", "pseudonym_contact"),
        ("WWW.site", "pseudonym_contact"),
        ("ftp://x", "pseudonym_contact"),
        ("win.bet", "pseudonym_contact"),
    ],
)
def test_bad_pseudonyms(raw, code):
    with pytest.raises(DomainError) as err:
        validate_pseudonym(raw)
    assert err.value.code == code


def test_limiter_sliding_window():
    limiter = LoginLimiter(attempts_per_minute=2)
    keys = ["email:a", "ip:1"]
    assert limiter.retry_after_s(keys, 0) == 0
    limiter.record_failure(keys, 0)
    limiter.record_failure(keys, 30_000)
    assert limiter.retry_after_s(keys, 30_000) == 30
    assert limiter.retry_after_s(["email:b", "ip:1"], 30_000) == 30  # same IP
    assert limiter.retry_after_s(["email:a", "ip:2"], 30_000) == 30  # same email
    assert limiter.retry_after_s(["email:b", "ip:2"], 30_000) == 0
    assert limiter.retry_after_s(keys, 59_999) == 1
    assert limiter.retry_after_s(keys, 60_000) == 0  # the first failure left the window
    limiter.clear("email:a")
    limiter.record_failure(["ip:1"], 60_000)
    assert limiter.retry_after_s(["email:a"], 60_000) == 0
    assert limiter.retry_after_s(["ip:1"], 60_000) == 30
