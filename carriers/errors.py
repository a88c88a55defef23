"""Typed carrier errors.

Every failure an adapter reports is one of these; the poller decides what to do::

    CarrierError
    ├── NotFound            the carrier has no record of the number (yet); ``retry_after`` when it
    │                       said when to look again (17TRACK still syncing a new registration)
    ├── AuthError           credentials rejected, or a push signature is wrong
    ├── RateLimited         slow down; ``retry_after`` seconds when the carrier said so
    ├── CarrierUnavailable  5xx, timeout, connection refused: try again later
    └── BadResponse         the carrier answered something we cannot read
"""

from __future__ import annotations


class CarrierError(Exception):
    """Base of all carrier failures; ``carrier`` is the carrier code."""

    retryable: bool = False

    def __init__(self, carrier: str, detail: str) -> None:
        super().__init__(f"{carrier}: {detail}")
        self.carrier = carrier
        self.detail = detail


class NotFound(CarrierError):
    def __init__(self, carrier: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(carrier, detail)
        self.retry_after = retry_after


class AuthError(CarrierError):
    pass


class RateLimited(CarrierError):
    retryable = True

    def __init__(self, carrier: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(carrier, detail)
        self.retry_after = retry_after


class CarrierUnavailable(CarrierError):
    retryable = True


class BadResponse(CarrierError):
    pass
