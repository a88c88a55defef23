"""Carrier adapters: one per carrier behind one Protocol, typed errors, detection, the sandbox."""

from carriers.base import CarrierAdapter, CarrierConfig, PushAdapter
from carriers.errors import AuthError, BadResponse, CarrierError, CarrierUnavailable, NotFound, RateLimited

__all__ = [
    "AuthError",
    "BadResponse",
    "CarrierAdapter",
    "CarrierConfig",
    "CarrierError",
    "CarrierUnavailable",
    "NotFound",
    "PushAdapter",
    "RateLimited",
]
