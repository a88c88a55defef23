"""The sandbox carrier: a simulated carrier API served by the service under ``/sandbox/``.

Numbers are ``SBX-<SCENARIO>-<digits>``; each scenario of SPEC §4 yields a
deterministic timeline placed relative to the shipment's registration time.
"""

from carriers.sandbox.adapter import SandboxAdapter
from carriers.sandbox.scenarios import SCENARIOS, SandboxParcel, build_parcel

__all__ = ["SCENARIOS", "SandboxAdapter", "SandboxParcel", "build_parcel"]
