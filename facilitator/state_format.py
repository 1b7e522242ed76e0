"""The plain-JSON format of live domain state, shared by every state's ``to_dict``/``from_dict``.

Live state survives reconnects and restarts and is shared between server processes (Redis), so
each state object turns into dicts, lists, strings, numbers, booleans and None only, and back.
Top-level states carry ``"v": FORMAT_VERSION``; a reader refuses any other version, and any
malformed document, with ``DomainError("bad_state_format")`` rather than guessing.

Readers here check types strictly (a bool is not an int, an int is not a str) because a
document that parses but means something else would silently corrupt a live session.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

from facilitator.errors import DomainError

FORMAT_VERSION = 1

JsonDict = dict[str, Any]
Choice = TypeVar("Choice", bound=str)


def refuse(detail: str) -> NoReturn:
    """Raise the one error every reader uses for a document it cannot trust."""
    raise DomainError("bad_state_format", f"Saved session state is unreadable: {detail}.")


def check_version(data: object, kind: str) -> Mapping[str, Any]:
    """Accept a top-level document of this format version only; return it as a mapping."""
    if not isinstance(data, Mapping):
        refuse(f"{kind} is not an object")
    version = data.get("v")
    if type(version) is not int or version != FORMAT_VERSION:
        refuse(f"{kind} has format version {version!r}, expected {FORMAT_VERSION}")
    return data


@contextmanager
def reading(kind: str) -> Iterator[None]:
    """Turn a missing key or a wrongly shaped value while reading into ``bad_state_format``."""
    try:
        yield
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        refuse(f"{kind} is malformed ({type(exc).__name__}: {exc})")


def as_int(value: object) -> int:
    if type(value) is not int:
        refuse(f"expected an integer, got {value!r}")
    return value


def as_opt_int(value: object) -> int | None:
    return None if value is None else as_int(value)


def as_str(value: object) -> str:
    if type(value) is not str:
        refuse(f"expected a string, got {value!r}")
    return value


def as_opt_str(value: object) -> str | None:
    return None if value is None else as_str(value)


def as_bool(value: object) -> bool:
    if type(value) is not bool:
        refuse(f"expected true or false, got {value!r}")
    return value


def as_list(value: object) -> list[Any]:
    if type(value) is not list:
        refuse(f"expected a list, got {value!r}")
    return value


def as_dict(value: object) -> Mapping[str, Any]:
    if type(value) is not dict:
        refuse(f"expected an object, got {value!r}")
    return value


def as_strs(value: object) -> tuple[str, ...]:
    return tuple(as_str(item) for item in as_list(value))


def as_choice(value: object, choices: tuple[Choice, ...]) -> Choice:
    """A string that must be one of a closed set (a Literal type's or an enum's values)."""
    text = as_str(value)
    for choice in choices:
        if text == choice:
            return choice
    refuse(f"{text!r} is not one of {', '.join(choices)}")
