"""What a use case refuses with. Entry points translate these; none of them is a 5xx."""

from __future__ import annotations

from typing import Any


class UseCaseError(Exception):
    """Base of the refusals below."""


class NotFound(UseCaseError):
    """The thing does not exist, or not for this caller (another tenant's is the same as none)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class Conflict(UseCaseError):
    """The thing exists but its state forbids the change (an illegal transition, a duplicate)."""


class Invalid(UseCaseError):
    """A field of the request is unacceptable; ``field`` is its path inside the body."""

    def __init__(self, detail: str, field: str, kind: str = "value_error", msg: str | None = None, **extra: Any):
        super().__init__(detail)
        self.field = field
        self.kind = kind
        self.msg = msg or detail
        self.extra = extra
