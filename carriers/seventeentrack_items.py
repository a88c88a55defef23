"""Reading one 17TRACK track item (``data.accepted[]`` of ``gettrackinfo``, ``data`` of a push) into a
``TrackingResult``: the scans of every provider, each mapped by its ``sub_status`` / ``stage``
(``carriers/seventeentrack_codes.py``), 17TRACK's computed ``latest_status`` and the ETA window.
The API and its fields are described in ``carriers/seventeentrack.py``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from carriers import seventeentrack_codes as codes
from carriers.base import UTC, parse_local_time, with_carrier_state
from carriers.errors import BadResponse, NotFound
from schemas import CarrierEvent, Status, TrackingResult

CODE = "seventeentrack"
# A new registration is synced by 17TRACK within minutes (its help centre: a carrier change shows
# "within several minutes"); look again soon instead of at the not-found cadence.
SYNC_RETRY_AFTER = 300.0


def read_item(item: dict[str, Any]) -> TrackingResult | NotFound:
    """One accepted number; NotFound while 17TRACK has no scan for it."""
    number = item_number(item)
    info = item.get("track_info") or {}
    latest = info.get("latest_status") or {}
    state = codes.state_pair(latest)
    events, scanned = _events(info, state)
    if not scanned and (not events or (state is not None and state[1] in codes.NOT_FOUND_CODES)):
        invalid = latest.get("sub_status") == "NotFound_InvalidCode"
        detail = f"{number}: {'invalid number' if invalid else 'no events yet'} ({latest.get('sub_status')})"
        return NotFound(CODE, detail, retry_after=None if invalid else SYNC_RETRY_AFTER)
    if state is not None:
        events = with_carrier_state(events, state[0], state[1], latest.get("sub_status_descr") or "")
    return TrackingResult(number, events, carrier_eta=_eta(info), sub_carrier=sub_carrier(item))


def _eta(info: dict[str, Any]) -> datetime | None:
    window = (info.get("time_metrics") or {}).get("estimated_delivery_date") or {}
    # The late end of the window: a parcel is only overdue once that has passed.
    latest = window.get("to") or window.get("from")
    return parse_local_time(latest, UTC, CODE) if latest else None


def _events(info: dict[str, Any], state: tuple[codes.Pair, str] | None) -> tuple[list[CarrierEvent], bool]:
    """The scans, oldest first, and whether any of them carries a code other than NotFound.

    A scan without any code (no ``sub_status``, empty ``stage``) says nothing new about the parcel:
    it keeps the status of the scan before it, and the newest one takes 17TRACK's computed state.
    """
    providers = (info.get("tracking") or {}).get("providers") or ()
    raws = [raw for provider in providers for raw in provider.get("events") or ()]
    latest_event = info.get("latest_event")
    if isinstance(latest_event, dict) and not any(_same_scan(latest_event, raw) for raw in raws):
        raws.append(latest_event)
    timed = sorted(((_when(raw), raw) for raw in raws), key=lambda pair: pair[0])
    events: list[CarrierEvent] = []
    scanned = False
    before: codes.Pair = (Status.INFO_RECEIVED, None)  # an uncoded first scan: the carrier knows the parcel
    for index, (when, raw) in enumerate(timed):
        mapped, code = _classify(raw)
        if mapped is None:
            if index == len(timed) - 1 and state is not None:
                mapped, code = state[0], "state:" + state[1]
            else:
                mapped = before
        else:
            scanned = scanned or code not in codes.NOT_FOUND_CODES
            before = mapped
        events.append(
            CarrierEvent(
                occurred_at=when,
                status=mapped[0],
                sub_status=mapped[1],
                carrier_code=code,
                description=raw.get("description") or "",
                location=raw.get("location") or None,
            )
        )
    return events, scanned


def _when(raw: dict[str, Any]) -> datetime:
    when = raw.get("time_utc") or raw.get("time_iso")
    if not when:
        raise BadResponse(CODE, f"event without time: {raw.get('description')!r}")
    return parse_local_time(when, UTC, CODE)


def _classify(raw: dict[str, Any]) -> tuple[codes.Pair | None, str]:
    """An event's canonical pair and raw code; ``(None, "")`` when it carries no code at all."""
    sub, stage = raw.get("sub_status") or "", raw.get("stage") or ""
    if sub in codes.SUB_STATUS:
        return codes.SUB_STATUS[sub], sub
    if stage in codes.STAGE:  # an unknown sub_status still has a documented milestone
        return codes.STAGE[stage], sub or stage
    if sub or stage:
        return codes.UNMAPPED, sub or stage
    return None, ""


def _same_scan(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a.get("time_utc") or a.get("time_iso")) == (b.get("time_utc") or b.get("time_iso")) and (
        a.get("description") == b.get("description")
    )


def sub_carrier(item: dict[str, Any]) -> str | None:
    """17TRACK's carrier key the number is registered under, else its first provider's key."""
    carrier = item.get("carrier")
    if not carrier:
        providers = ((item.get("track_info") or {}).get("tracking") or {}).get("providers") or ()
        carrier = next((p.get("provider", {}).get("key") for p in providers if p.get("provider")), None)
    return str(carrier) if carrier else None


def item_number(item: Mapping[str, Any]) -> str:
    """The number an answer item is about; anything but text is a TypeError (the parse makes it BadResponse)."""
    number = item["number"]
    if not isinstance(number, str) or not number.strip():
        raise TypeError(f"number {number!r} is not a tracking number")
    return number
