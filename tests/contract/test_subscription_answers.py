"""One suite over the subscription calls of every adapter that has them: ``subscribe`` (``SubscribeAdapter``:
17TRACK ``register`` + ``retrack``, Kuaidi100 ``poll``, EasyPost trackers) and ``unsubscribe``
(``UnsubscribeAdapter``: 17TRACK ``stoptrack``; Kuaidi100 and EasyPost have no cancel call, see their modules).

The push-first job (``tracking_service/subscriptions.py``) only catches ``CarrierError`` and stores one outcome
per asked number, so for each call:

- every documented answer (the table below) gives each asked number its outcome (``None`` = done, or the
  typed error), and the request is the documented one;
- whole-call failures (HTTP 401/429/5xx, 17TRACK's whole-call codes) raise their typed error;
- unreadable answers (``test_malformed_answers.UNREADABLE``) are ``BadResponse``, raised or for every number;
- every documented 200 answer broken at any one node (``test_malformed_sweep``) raises a ``CarrierError`` or
  answers every asked number with ``None`` or a ``CarrierError`` — nothing else escapes, no number is lost.

Driven through ``httpx.MockTransport`` answering by endpoint (the last path segment).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from carriers.base import SubscribeAdapter, UnsubscribeAdapter
from carriers.errors import AuthError, BadResponse, CarrierError, CarrierUnavailable, NotFound, RateLimited
from carriers.registry import ADAPTERS, build_adapter
from schemas import TrackingQuery
from tests.contract.framework import Reply, fixture
from tests.contract.test_malformed_answers import BASE, JSON_TYPE, UNREADABLE
from tests.contract.test_malformed_sweep import _document, _mutations

ANY = "*"  # the reply of every endpoint the case does not name
Expect = Mapping[str, type[CarrierError] | None] | type[CarrierError]


@dataclass(frozen=True)
class SubscriptionCase:
    carrier: str
    call: str  # "subscribe" | "unsubscribe"
    name: str
    numbers: tuple[str, ...]
    replies: Mapping[str, Reply]  # endpoint (last path segment) → answer
    expect: Expect  # per number (None: done), or the error the whole call raises
    sub_carrier: str | None = None
    check_requests: Callable[[list[httpx.Request]], None] | None = field(default=None, compare=False)


def _adapter(carrier: str) -> Any:
    return build_adapter(carrier, BASE[carrier].config)


SUBSCRIBERS = sorted(c for c in ADAPTERS if isinstance(_adapter(c), SubscribeAdapter))
UNSUBSCRIBERS = sorted(c for c in ADAPTERS if isinstance(_adapter(c), UnsubscribeAdapter))


def _json(carrier: str, name: str) -> Reply:
    return Reply(200, fixture(carrier, name), JSON_TYPE)


def _rejected(code: int, message: str, *numbers: str) -> Reply:
    rejected = [{"number": n, "error": {"code": code, "message": message}} for n in numbers]
    return Reply(200, {"code": 0, "data": {"accepted": [], "rejected": rejected}}, JSON_TYPE)


def _seventeentrack_asked(*endpoints: tuple[str, list[dict[str, object]]]) -> Callable[[list[httpx.Request]], None]:
    def check(sent: list[httpx.Request]) -> None:
        assert [(r.method, r.url.path) for r in sent] == [("POST", f"/track/v2.2/{e}") for e, _ in endpoints]
        assert [json.loads(r.content) for r in sent] == [body for _, body in endpoints]
        assert all(r.headers["17token"] == "token-17" for r in sent)

    return check


ST = "seventeentrack"
FOUR = ("RR123456789CN", "LX123456789CN", "UA123456789CN", "EE123456789CN")
THREE = FOUR[:3]
HTTP_FAILURES = {401: AuthError, 429: RateLimited, 503: CarrierUnavailable}

CASES: list[SubscriptionCase] = [
    SubscriptionCase(
        ST,
        "subscribe",
        "accepted",
        ("RR123456789CN",),
        {ANY: _json(ST, "register_accepted.json")},
        {"RR123456789CN": None},
        check_requests=_seventeentrack_asked(("register", [{"number": "RR123456789CN"}])),
    ),
    SubscriptionCase(
        ST,
        "subscribe",
        "already_registered_is_retracked",
        THREE,
        {
            "register": _rejected(-18019901, "Tracking number is already registered.", *THREE),
            "retrack": _json(ST, "retrack_answer.json"),
        },
        # retracked; "only stopped numbers can be retracked" (followed all along); "retracked once already"
        {"RR123456789CN": None, "LX123456789CN": None, "UA123456789CN": NotFound},
        check_requests=_seventeentrack_asked(
            ("register", [{"number": n} for n in THREE]), ("retrack", [{"number": n} for n in THREE])
        ),
    ),
    SubscriptionCase(
        ST, "subscribe", "invalid_key", ("RR123456789CN",), {ANY: _json(ST, "invalid_key.json")}, AuthError
    ),
    SubscriptionCase(
        ST,
        "unsubscribe",
        "documented",
        FOUR,
        {ANY: _json(ST, "stoptrack_answer.json")},
        # stopped; "only numbers being tracked can be stopped"; "not registered"; quota used up
        {"RR123456789CN": None, "LX123456789CN": None, "UA123456789CN": None, "EE123456789CN": RateLimited},
        sub_carrier="3011",  # 17TRACK's carrier key goes with the number
        check_requests=_seventeentrack_asked(("stoptrack", [{"number": n, "carrier": 3011} for n in FOUR])),
    ),
    SubscriptionCase(
        ST,
        "unsubscribe",
        "number_left_out",
        ("RR123456789CN", "LX123456789CN"),
        {ANY: _json(ST, "register_accepted.json")},  # names RR… only: LX… is not confirmed stopped
        {"RR123456789CN": None, "LX123456789CN": BadResponse},
    ),
    SubscriptionCase(
        ST, "unsubscribe", "invalid_key", ("RR123456789CN",), {ANY: _json(ST, "invalid_key.json")}, AuthError
    ),
    SubscriptionCase(
        ST, "unsubscribe", "quota_exhausted", ("RR123456789CN",), {ANY: _json(ST, "quota_exhausted.json")}, RateLimited
    ),
    SubscriptionCase(
        "kuaidi100",
        "subscribe",
        "accepted",
        ("YT7512345678901",),
        {ANY: Reply(200, {"result": True, "returnCode": "200", "message": "提交成功"}, JSON_TYPE)},
        {"YT7512345678901": None},
        sub_carrier="yuantong",
    ),
    SubscriptionCase(
        "easypost",
        "subscribe",
        "accepted",
        ("EZ1000000001",),
        {ANY: Reply(200, json.loads(fixture("easypost", "in_transit.json"))["trackers"][0], JSON_TYPE)},
        {"EZ1000000001": None},
    ),
    *(
        SubscriptionCase(carrier, call, f"http_{status}", ("RR123456789CN",), {ANY: Reply(status, "no")}, error)
        for carrier, call in [(c, "subscribe") for c in SUBSCRIBERS] + [(c, "unsubscribe") for c in UNSUBSCRIBERS]
        for status, error in HTTP_FAILURES.items()
    ),
]


async def ask(case: SubscriptionCase, replies: Mapping[str, Reply] | None = None) -> tuple[Any, list[httpx.Request]]:
    """Run the case's call against the fake; (answers, requests sent)."""
    answers = replies or case.replies
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        endpoint = request.url.path.rsplit("/", 1)[-1]
        return (answers.get(endpoint) or answers[ANY]).to_response()

    adapter = _adapter(case.carrier)
    queries = [TrackingQuery(n, sub_carrier=case.sub_carrier) for n in case.numbers]
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        if case.call == "subscribe":
            return await adapter.subscribe(client, queries, "https://track.example.com/hook"), sent
        return await adapter.unsubscribe(client, queries), sent


def test_only_17track_can_cancel_a_subscription() -> None:
    # Kuaidi100 ``poll`` and EasyPost trackers have no cancel call (their module docstrings): nothing to ask.
    assert SUBSCRIBERS == ["easypost", "kuaidi100", "seventeentrack"]
    assert UNSUBSCRIBERS == ["seventeentrack"]


def test_every_subscription_call_has_a_documented_answer() -> None:
    documented = {(c.carrier, c.call) for c in CASES if isinstance(c.expect, Mapping)}
    wanted = {(c, "subscribe") for c in SUBSCRIBERS} | {(c, "unsubscribe") for c in UNSUBSCRIBERS}
    assert documented == wanted


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.carrier}-{c.call}-{c.name}")
async def test_documented_answer(case: SubscriptionCase) -> None:
    if not isinstance(case.expect, Mapping):
        with pytest.raises(case.expect) as raised:
            await ask(case)
        assert raised.value.carrier == case.carrier
        return
    answers, sent = await ask(case)
    assert set(answers) == set(case.numbers)
    outcome = {n: None if a is None else type(a) for n, a in answers.items()}
    assert outcome == dict(case.expect)
    assert all(a is None or a.carrier == case.carrier for a in answers.values())
    if case.check_requests is not None:
        case.check_requests(sent)


def _first_documented() -> list[SubscriptionCase]:
    chosen: dict[tuple[str, str], SubscriptionCase] = {}
    for case in CASES:
        if isinstance(case.expect, Mapping):
            chosen.setdefault((case.carrier, case.call), case)
    return list(chosen.values())


@pytest.mark.parametrize("name", sorted(UNREADABLE))
@pytest.mark.parametrize("case", _first_documented(), ids=lambda c: f"{c.carrier}-{c.call}")
async def test_unreadable_answer_is_bad_response(case: SubscriptionCase, name: str) -> None:
    try:
        answers, _ = await ask(case, {ANY: UNREADABLE[name]})
    except BadResponse as exc:
        assert exc.carrier == case.carrier
        return
    except Exception as exc:  # the point: nothing but BadResponse
        pytest.fail(f"{case.carrier} {case.call} let {type(exc).__name__} escape on {name!r}: {exc!r}")
    assert set(answers) == set(case.numbers)
    wrong = {n: a for n, a in answers.items() if not isinstance(a, BadResponse)}
    assert not wrong, f"{case.carrier} {case.call} read {name!r} as {wrong!r}"


def _broken(case: SubscriptionCase) -> list[tuple[str, dict[str, Reply]]]:
    """Every documented 200 JSON reply of the case broken at one node, the other endpoints' replies kept."""
    out: list[tuple[str, dict[str, Reply]]] = []
    for endpoint, reply in case.replies.items():
        doc = _document(reply)
        if reply.status != 200 or not isinstance(doc, dict | list):
            continue
        for change, mutated in _mutations(doc):
            replies = {**case.replies, endpoint: Reply(200, json.dumps(mutated, ensure_ascii=False), JSON_TYPE)}
            out.append((f"{endpoint}: {change}", replies))
    return out


@pytest.mark.parametrize(
    "case", [c for c in CASES if isinstance(c.expect, Mapping)], ids=lambda c: f"{c.carrier}-{c.call}-{c.name}"
)
async def test_answers_broken_anywhere_give_only_carrier_errors(case: SubscriptionCase) -> None:
    broken = _broken(case)
    assert len(broken) > 10, f"only {len(broken)} broken answers"
    escaped: list[str] = []
    for change, replies in broken:
        try:
            answers, _ = await ask(case, replies)
        except CarrierError as exc:
            assert exc.carrier == case.carrier
            continue
        except Exception as exc:  # the point: nothing but a CarrierError may escape
            escaped.append(f"{change} -> {type(exc).__name__}: {exc}")
            continue
        if set(answers) != set(case.numbers) or not all(
            a is None or isinstance(a, CarrierError) for a in answers.values()
        ):
            escaped.append(f"{change} -> answered {answers!r}")
    assert not escaped, f"{len(escaped)} of {len(broken)} broken answers escaped:\n" + "\n".join(escaped[:60])
