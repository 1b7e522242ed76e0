"""The one exception the pure domain raises; the server turns it into a structured error."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the session was broken; `code` is stable and machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
