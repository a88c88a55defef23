"""Carrier codes and how to build their adapters."""

from __future__ import annotations

from collections.abc import Callable

from carriers.base import CarrierAdapter, CarrierConfig
from carriers.dhl import DhlAdapter
from carriers.easypost import EasyPostAdapter
from carriers.kuaidi100 import Kuaidi100Adapter
from carriers.sandbox.adapter import SandboxAdapter
from carriers.seventeentrack import SeventeenTrackAdapter
from carriers.sf_express import SfExpressAdapter

AdapterFactory = Callable[[CarrierConfig], CarrierAdapter]

ADAPTERS: dict[str, AdapterFactory] = {
    "sandbox": SandboxAdapter,
    "kuaidi100": Kuaidi100Adapter,
    "seventeentrack": SeventeenTrackAdapter,
    "dhl": DhlAdapter,
    "sf_express": SfExpressAdapter,
    "easypost": EasyPostAdapter,
}


def known_carriers() -> list[str]:
    return sorted(ADAPTERS)


def build_adapter(code: str, config: CarrierConfig) -> CarrierAdapter:
    """The adapter for ``code``; KeyError for an unknown code."""
    return ADAPTERS[code](config)
