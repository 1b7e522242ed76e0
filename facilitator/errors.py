"""The one exception the pure domain raises.

The server maps it to ``{"ok": false, "error": {"code": ..., "message": ...}}``, so ``code`` is a
stable machine-readable string and ``message`` is plain words a facilitator could read.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request that breaks a rule of the session; nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """Return the structured error body the server sends back."""
        return {"code": self.code, "message": self.message}
