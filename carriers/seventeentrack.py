"""17TRACK tracking API v2.2: ``register`` + ``gettrackinfo`` (≤40 numbers a call), webhook push, ``stoptrack``.

Followed: https://api.17track.net/en/doc?version=v2.2 (asset.17track.net/api/document/v2.2_en/), its
error codes (https://help.17track.net/hc/en-us/articles/37570440168473) and status table
(https://help.17track.net/hc/en-us/articles/37471096573337); the code tables are in
``carriers/seventeentrack_codes.py``, and reading one track item into a result in
``carriers/seventeentrack_items.py``.

- every call is ``POST {base}/track/v2.2/<endpoint>`` with header ``17token: <key>`` and a JSON
  list of ``{"number", "carrier"?}``; answers ``{"code": 0, "data": {"accepted": [...],
  "rejected": [{"number", "error": {"code", "message"}}]}}``, whole-call failures carry a non-zero
  ``code`` and/or ``data.errors[]``;
- ``gettrackinfo`` rejects numbers never registered with ``-18019902``: they are registered on the fly
  and reported ``NotFound(retry_after=SYNC_RETRY_AFTER)`` until 17TRACK's first sync;
- events live in ``track_info.tracking.providers[].events[]`` (and ``track_info.latest_event``) with
  ``time_utc`` / ``time_iso``, ``description``, ``location``, milestone ``stage`` and ``sub_status``;
  ``track_info.latest_status {status, sub_status}`` is 17TRACK's computed state and wins when it says
  more than the newest scan (SPEC §2); the ETA is ``time_metrics.estimated_delivery_date.{from,to}``;
- ``stoptrack`` (stop following numbers: no more pushes; a DELETEd shipment's subscription is cancelled with
  it, ``tracking_service/subscriptions.py``) and ``retrack`` (follow a stopped number again, once in its life)
  take the same list of ``{"number", "carrier"?}`` and answer like ``register``: ``data.accepted[]`` items
  ``{"number", "carrier"}`` and ``data.rejected[]`` items ``{"number", "error": {"code", "message"}}``
  (the v2.2 API reference, sections StopTrack / ReTrack; the v1 reference has the same envelope,
  https://asset.17track.net/api/document/v1_en/index.html). Per-number codes from the error table above:
  ``-18019902`` not registered and ``-18019906`` "only numbers being tracked can be stopped" — both mean
  17TRACK no longer follows the number, so a stop counts as done; ``-18019904`` "only stopped numbers can be
  retracked" means it is being followed, so a retrack counts as done; ``-18019905`` a number is retracked
  only once (then polling alone carries it). A stopped number stays in the account (90 days) and
  ``register`` answers it ``-18019901`` already registered, so ``subscribe`` retracks every number
  ``register`` says it already has — it may be one this service stopped for another tenant;
- webhook: ``{"event": "TRACKING_UPDATED" | "TRACKING_STOPPED", "data": <accepted item>}``, header
  ``sign`` = hex SHA256(body + "/" + key); 17TRACK only needs an HTTP 200 back. The webhook URL is
  set in 17TRACK's dashboard, not per number.

Naive times (``time_iso`` without offset when 17TRACK does not know the carrier's zone and gives
no ``time_utc``) are read as UTC: the event stays orderable and is at most a few hours off.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from carriers import seventeentrack_codes as codes
from carriers.base import UTC, CarrierConfig, decode_json, send
from carriers.errors import AuthError, BadResponse, CarrierError, CarrierUnavailable, NotFound, RateLimited
from carriers.seventeentrack_items import CODE, SYNC_RETRY_AFTER, item_number, read_item, sub_carrier
from schemas import TrackingQuery, TrackingResult

# The quota does not come back within a poll cycle; look again in an hour rather than hammer it.
QUOTA_RETRY_AFTER = 3600.0


# One number's answer to a per-number endpoint: None when accepted, else the rejection's (code, message).
_Answer = tuple[int | None, str] | None
_REGISTER_DONE = frozenset({codes.ALREADY_REGISTERED})
_RETRACK_DONE = frozenset({codes.RETRACK_ONLY_STOPPED})  # it was being followed
_STOP_DONE = frozenset({codes.NOT_REGISTERED, codes.STOP_ONLY_TRACKING})  # it is not followed (any more)


class SeventeenTrackAdapter:
    code = CODE
    zone = UTC
    max_batch = 40
    max_subscribe_batch = 40
    max_unsubscribe_batch = 40
    needs_phone = False

    def __init__(self, config: CarrierConfig) -> None:
        base = config.base_url.rstrip("/") + "/track/v2.2"
        self._info_url = base + "/gettrackinfo"
        self._register_url = base + "/register"
        self._stop_url = base + "/stoptrack"
        self._retrack_url = base + "/retrack"
        self._key = config.key or ""
        self._headers = {"17token": self._key}

    async def track(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, TrackingResult | NotFound]:
        body = [_number(q) for q in queries]
        response = await send(
            self.code, client, client.build_request("POST", self._info_url, json=body, headers=self._headers)
        )
        results, unregistered = self.parse_batch(response.content)
        if unregistered:
            wanted = {_normal(n) for n in unregistered}
            registered = await self._register(client, [q for q in queries if _normal(q.tracking_number) in wanted])
            for number, error in registered.items():
                results[number] = _registered_not_found(self.code, number, error)
        return _by_asked_number(queries, results)

    async def subscribe(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery], callback_url: str
    ) -> Mapping[str, CarrierError | None]:
        """``register`` the numbers (≤ 40 a call); ``None`` when 17TRACK follows them.

        A number 17TRACK already has (``-18019901``) may be one it stopped following (``stoptrack``, or its
        own stop of an expired number), so those are ``retrack``ed in a second call; "only stopped numbers
        can be retracked" says it was followed all along. ``callback_url`` is ignored: 17TRACK pushes to the
        one webhook URL set in its dashboard.
        """
        out: dict[str, CarrierError | None] = {}
        for start in range(0, len(queries), self.max_subscribe_batch):
            batch = queries[start : start + self.max_subscribe_batch]
            answers = self._per_number(await self._post(client, self._register_url, batch), "register")
            had = {_normal(n) for n, answer in answers.items() if answer and answer[0] == codes.ALREADY_REGISTERED}
            out.update(self._by_asked(batch, self._outcomes(answers, "register", _REGISTER_DONE), "register"))
            known = [q for q in batch if _normal(q.tracking_number) in had]
            if known:
                retracked = self.parse_retrack(await self._post(client, self._retrack_url, known))
                out.update(self._by_asked(known, retracked, "retrack"))
        return out

    async def unsubscribe(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> Mapping[str, CarrierError | None]:
        """``stoptrack`` the numbers (≤ 40 a call); ``None`` once 17TRACK no longer follows them (stopped now,
        already stopped, or never registered)."""
        out: dict[str, CarrierError | None] = {}
        for start in range(0, len(queries), self.max_unsubscribe_batch):
            batch = queries[start : start + self.max_unsubscribe_batch]
            stopped = self.parse_stoptrack(await self._post(client, self._stop_url, batch))
            out.update(self._by_asked(batch, stopped, "stoptrack"))
        return out

    async def _post(self, client: httpx.AsyncClient, url: str, queries: Sequence[TrackingQuery]) -> bytes:
        """POST the numbers to one of the per-number endpoints; the answer's body."""
        request = client.build_request("POST", url, json=[_number(q) for q in queries], headers=self._headers)
        return (await send(self.code, client, request)).content

    def _by_asked(
        self, queries: Sequence[TrackingQuery], answers: dict[str, CarrierError | None], endpoint: str
    ) -> dict[str, CarrierError | None]:
        """Answers keyed by the numbers as asked (17TRACK may normalise them); one it left out is an error."""
        by_normal = {_normal(n): answer for n, answer in answers.items()}
        out: dict[str, CarrierError | None] = {}
        for query in queries:
            number = query.tracking_number
            missing = BadResponse(self.code, f"{number}: not in the {endpoint} answer")
            out[number] = by_normal.get(_normal(number), missing)
        return out

    async def _register(
        self, client: httpx.AsyncClient, queries: Sequence[TrackingQuery]
    ) -> dict[str, CarrierError | None]:
        return self.parse_register(await self._post(client, self._register_url, queries))

    def parse(self, content: bytes) -> dict[str, TrackingResult | NotFound]:
        """Parse a ``gettrackinfo`` answer into results keyed by number."""
        return self.parse_batch(content)[0]

    def parse_batch(self, content: bytes) -> tuple[dict[str, TrackingResult | NotFound], list[str]]:
        """A ``gettrackinfo`` answer: results by number, and the numbers 17TRACK wants registered first."""
        data = self._data(decode_json(self.code, content))
        out: dict[str, TrackingResult | NotFound] = {}
        unregistered: list[str] = []
        try:
            for item in data.get("accepted") or ():
                out[item_number(item)] = read_item(item)
            for item in data.get("rejected") or ():
                number, error = item_number(item), item.get("error") or {}
                if error.get("code") == codes.NOT_REGISTERED:
                    unregistered.append(number)
                # -18019909: registered, 17TRACK has nothing yet — as "accepted without events".
                retry = SYNC_RETRY_AFTER if error.get("code") == codes.NO_INFO_YET else None
                detail = f"{number}: {error.get('message') or 'rejected'} ({error.get('code')})"
                out[number] = NotFound(self.code, detail, retry_after=retry)
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected gettrackinfo shape: {exc!r}") from exc
        return out, unregistered

    def parse_register(self, content: bytes) -> dict[str, CarrierError | None]:
        """A ``register`` answer by number: ``None`` when 17TRACK follows the number, else its error."""
        return self._outcomes(self._per_number(content, "register"), "register", _REGISTER_DONE)

    def parse_stoptrack(self, content: bytes) -> dict[str, CarrierError | None]:
        """A ``stoptrack`` answer by number: ``None`` when 17TRACK no longer follows the number, else its error.

        ``BadResponse`` for an answer that cannot be read (not JSON, not the documented envelope, an item
        without a number); a whole-call failure code raises its typed error (``AuthError``, ``RateLimited``…).
        """
        return self._outcomes(self._per_number(content, "stoptrack"), "stoptrack", _STOP_DONE)

    def parse_retrack(self, content: bytes) -> dict[str, CarrierError | None]:
        """A ``retrack`` answer by number: ``None`` when 17TRACK follows the number again (or never stopped)."""
        return self._outcomes(self._per_number(content, "retrack"), "retrack", _RETRACK_DONE)

    def _per_number(self, content: bytes, endpoint: str) -> dict[str, _Answer]:
        """A per-number answer (``register``, ``stoptrack``, ``retrack``) as 17TRACK keys it: ``None`` for an
        accepted number, the rejection's (code, message) for a refused one."""
        data = self._data(decode_json(self.code, content))
        out: dict[str, _Answer] = {}
        try:
            for item in data.get("accepted") or ():
                out[item_number(item)] = None
            for item in data.get("rejected") or ():
                # Per number, even "quota used up": the batch's other numbers keep their answers.
                error = item.get("error") or {}
                code = error.get("code")
                known = code if isinstance(code, int) and not isinstance(code, bool) else None
                out[item_number(item)] = (known, str(error.get("message")))
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected {endpoint} shape: {exc!r}") from exc
        return out

    def _outcomes(
        self, answers: dict[str, _Answer], endpoint: str, done: frozenset[int]
    ) -> dict[str, CarrierError | None]:
        """Each number's answer as callers see it: ``None`` when accepted or refused with a code in ``done``."""
        out: dict[str, CarrierError | None] = {}
        for number, answer in answers.items():
            if answer is None or answer[0] in done:
                out[number] = None
            else:
                code, message = answer
                out[number] = self._item_error(code, f"{number}: {endpoint} rejected: {message} ({code})")
        return out

    def parse_push(self, headers: Mapping[str, str], body: bytes) -> list[TrackingResult]:
        """A webhook notification; ``sign`` must be hex SHA256(body + "/" + key)."""
        given = next((v for k, v in headers.items() if k.lower() == "sign"), "")
        expected = hashlib.sha256(body + b"/" + self._key.encode()).hexdigest()
        if not self._key or not hmac.compare_digest(expected, given.strip().lower()):
            raise AuthError(self.code, "webhook sign does not verify")
        payload = decode_json(self.code, body)
        try:
            event, item = payload["event"], payload["data"]
            if event == "TRACKING_STOPPED":
                # 17TRACK stopped following the number: no more pushes, the service falls back to polling.
                found = read_item(item) if item.get("track_info") else None
                events = found.events if isinstance(found, TrackingResult) else []
                return [TrackingResult(item_number(item), events, sub_carrier=sub_carrier(item), push_stopped=True)]
            result = read_item(item) if event == "TRACKING_UPDATED" else None
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadResponse(self.code, f"unexpected webhook shape: {exc!r}") from exc
        return [result] if isinstance(result, TrackingResult) else []

    def push_reply(self) -> tuple[int, str, bytes]:
        return 200, "application/json", b'{"code":0}'

    def _data(self, body: Any) -> dict[str, Any]:
        """The ``data`` of an answer, or the typed error a whole-call failure stands for."""
        if not isinstance(body, dict):
            raise BadResponse(self.code, "answer is not a JSON object")
        data = body.get("data")
        errors = (data.get("errors") if isinstance(data, dict) else None) or []
        if not isinstance(errors, list):
            raise BadResponse(self.code, f"data.errors is not a list: {errors!r}")
        found = [body.get("code"), *(e.get("code") for e in errors if isinstance(e, dict))]
        detail = f"code {found}: {[e.get('message') for e in errors if isinstance(e, dict)]}"
        for code in found:
            if not isinstance(code, int):
                continue  # not one of 17TRACK's codes (the check below refuses the answer)
            if code in codes.AUTH_CODES or code in codes.QUOTA_CODES or code in codes.UNAVAILABLE_CODES:
                raise self._item_error(code, detail)
        if body.get("code") != 0 or errors or not isinstance(data, dict):
            raise BadResponse(self.code, detail)
        return data

    def _item_error(self, code: object, detail: str) -> CarrierError:
        if code in codes.AUTH_CODES:
            return AuthError(self.code, detail)
        if code in codes.QUOTA_CODES:
            return RateLimited(self.code, detail, retry_after=QUOTA_RETRY_AFTER)
        if code in codes.UNAVAILABLE_CODES:
            return CarrierUnavailable(self.code, detail)
        return NotFound(self.code, detail)  # 17TRACK cannot follow this number (carrier, format, ...)


def _registered_not_found(carrier: str, number: str, error: CarrierError | None) -> NotFound:
    if error is None:
        return NotFound(carrier, f"{number}: registered, waiting for 17TRACK's first sync", SYNC_RETRY_AFTER)
    retry = error.retry_after if isinstance(error, RateLimited | NotFound) else None
    return NotFound(carrier, error.detail, retry_after=retry)


def _number(query: TrackingQuery) -> dict[str, object]:
    """One request item; a numeric sub-carrier is 17TRACK's carrier key and skips its detection."""
    if query.sub_carrier and query.sub_carrier.isdigit():
        return {"number": query.tracking_number, "carrier": int(query.sub_carrier)}
    return {"number": query.tracking_number}


def _by_asked_number(
    queries: Sequence[TrackingQuery], results: dict[str, TrackingResult | NotFound]
) -> dict[str, TrackingResult | NotFound]:
    """Key results by the numbers as asked: the poller looks them up that way, 17TRACK may normalise them."""
    asked = {_normal(q.tracking_number): q.tracking_number for q in queries}
    out: dict[str, TrackingResult | NotFound] = {}
    for number, result in results.items():
        original = asked.get(_normal(number), number)
        if isinstance(result, TrackingResult) and original != result.tracking_number:
            result.tracking_number = original
        out[original] = result
    return out


def _normal(number: str) -> str:
    return number.strip().upper()
