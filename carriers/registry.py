"""Carrier codes and how to build their adapters."""

from __future__ import annotations

from collections.abc import Callable

from carriers.base import CarrierAdapter, CarrierConfig
from carriers.sandbox.adapter import SandboxAdapter

AdapterFactory = Callable[[CarrierConfig], CarrierAdapter]

ADAPTERS: dict[str, AdapterFactory] = {
    "sandbox": SandboxAdapter,
}


def known_carriers() -> list[str]:
    return sorted(ADAPTERS)


def build_adapter(code: str, config: CarrierConfig) -> CarrierAdapter:
    """The adapter for ``code``; KeyError for an unknown code."""
    return ADAPTERS[code](config)
