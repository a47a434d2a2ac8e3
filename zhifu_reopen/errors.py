"""The domain error every service raises when a rule refuses an action. Views turn it into a 4xx
with the message shown to the user; nothing is written."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. ``messages`` lists every reason at once (一次性告知)."""

    status_code = 400

    def __init__(self, message, *, messages: list | None = None, code: str = "refused"):
        super().__init__(str(message))
        self.message = str(message)
        self.messages = [str(m) for m in (messages or [])]
        self.code = code


class Conflict(DomainError):
    """Someone else acted first (409)."""

    status_code = 409
