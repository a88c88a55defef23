"""The console's CSV import without a browser: the file is parsed and checked once, then registered in chunks
through the same use case as ``POST /v1/shipments/batch``; good rows land, bad rows come back with their row
number and the reason in plain words; a refused file writes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import LiveService, create_key, create_tenant
from tests.console.signin import csrf_of, signed_in
from tracking_service.console.csv_import import refusal_text
from tracking_service.usecases.errors import Invalid, NotFound, UseCaseError

HEADER = "order_id,tracking_number,carrier,buyer_name,buyer_phone,buyer_email\n"


@pytest.fixture
async def console(service: LiveService, admin: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    await create_tenant(admin, "shop-a")
    await create_tenant(admin, "shop-b")
    key = await create_key(admin, "agent", ["shop-a", "shop-b"])
    async with signed_in(service.base_url, key) as client:
        yield client


async def _upload(console: httpx.AsyncClient, content: bytes, tenant: str = "shop-a") -> httpx.Response:
    csrf = await csrf_of(console, "/console/import")
    files = {"file": ("parcels.csv", content, "text/csv")}
    return await console.post("/console/import", data={"csrf": csrf, "tenant": tenant}, files=files)


async def _import(console: httpx.AsyncClient, content: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Upload the file and run its chunks as the page's script does: every answer, and every row error."""
    uploaded = await _upload(console, content)
    assert uploaded.status_code == 303, uploaded.text
    job = uploaded.headers["Location"]
    csrf = await csrf_of(console, job)
    answers: list[dict[str, Any]] = []
    while not answers or not answers[-1]["finished"]:
        step = await console.post(f"{job}/next", headers={"X-CSRF-Token": csrf})
        assert step.status_code == 200, step.text
        answers.append(step.json())
    return answers, [e for a in answers for e in a["errors"]]


async def _shipments(service: LiveService) -> int:
    return int(await service.services.db.fetchval("SELECT count(*) FROM shipments"))


def _rows(n: int, start: int = 1) -> str:
    return "".join(
        f"TB-{i:05d},SBX-IMPORT-{i:05d},,买家{i},138{i:08d},b{i}@example.com\n" for i in range(start, start + n)
    )


async def test_good_rows_land_and_bad_rows_are_listed_with_their_row_numbers(
    service: LiveService, console: httpx.AsyncClient
) -> None:
    content = (
        HEADER
        + _rows(2)
        + "TB-B1,SBX#BAD-1,,王五,13900000001,\n"  # row 4
        + "TB-B2,SBX-IMPORT-90002,nosuch,,,\n"  # row 5
        + "TB-B3,ZZ9,,,,\n"  # row 6: no carrier detects it
        + "TB-B4,SBX-IMPORT-90004,,,13x,\n"  # row 7
    ).encode()
    answers, errors = await _import(console, content)
    assert answers[-1] | {"errors": []} == {
        "done": 6,
        "total": 6,
        "finished": True,
        "created": 2,
        "existing": 0,
        "failed": 4,
        "errors": [],
    }
    assert [(e["row"], e["tracking_number"]) for e in errors] == [
        (4, "SBX#BAD-1"),
        (5, "SBX-IMPORT-90002"),
        (6, "ZZ9"),
        (7, "SBX-IMPORT-90004"),
    ]
    messages = [e["message"] for e in errors]
    assert messages[0].startswith("快递单号格式不对 / tracking number has characters that are not allowed")
    assert messages[1].startswith("快递公司不认识 / unknown or disabled carrier 'nosuch'")
    assert "carrier cannot be detected" in messages[2] or "several carriers fit" in messages[2]
    assert messages[3] == "手机号格式不对 / buyer phone is not a phone number"
    assert await _shipments(service) == 2


async def test_the_progress_page_lists_the_errors_and_never_shows_a_full_phone_or_email(
    console: httpx.AsyncClient,
) -> None:
    uploaded = await _upload(
        console, (HEADER + _rows(3) + "TB-X,BAD NUMBER,,赵六,13912345678,z@example.com\n").encode()
    )
    job = uploaded.headers["Location"]
    csrf = await csrf_of(console, job)
    assert (await console.post(f"{job}/next", data={"csrf": csrf})).status_code == 303  # the no-script button
    page = (await console.get(job)).text
    assert 'class="row-error"><td>5</td><td>BAD NUMBER</td>' in page
    assert 'id="created">3<' in page and 'id="finished"' in page
    for secret in ("13912345678", "z@example.com", "13800000001", "b1@example.com"):
        assert secret not in page


async def test_rows_are_registered_two_hundred_per_request(service: LiveService, console: httpx.AsyncClient) -> None:
    answers, errors = await _import(console, (HEADER + _rows(450)).encode())
    assert [a["done"] for a in answers] == [200, 400, 450]
    assert answers[-1]["created"] == 450 and errors == []
    assert await _shipments(service) == 450


async def test_importing_the_same_file_again_answers_already_registered(console: httpx.AsyncClient) -> None:
    content = (HEADER + _rows(5)).encode()
    await _import(console, content)
    answers, errors = await _import(console, content)
    assert (answers[-1]["created"], answers[-1]["existing"], answers[-1]["failed"]) == (0, 5, 0)
    assert errors == []


@pytest.mark.parametrize(
    ("encoding", "content"),
    [
        ("gb18030", "订单号,运单号,快递公司,收件人,手机,邮箱\nTB-1,SBX-GBK-0001,sandbox,张三,13812345678,\n"),
        ("utf-8-sig", "订单号,快递单号,收件人,电话\nTB-1,SBX-BOM-0001,李四,13812345678\n"),
        ("utf-8", "tracking_number\nSBX-PLAIN-0001\n"),
    ],
    ids=["gbk-excel", "utf-8-bom", "english-header-only"],
)
async def test_chinese_headers_gbk_and_bom_files_are_read(
    service: LiveService, console: httpx.AsyncClient, encoding: str, content: str
) -> None:
    answers, errors = await _import(console, content.encode(encoding))
    assert errors == [] and answers[-1]["created"] == 1
    row = await service.services.db.fetchrow("SELECT tenant_id, order_id, carrier FROM shipments")
    assert row is not None and row["tenant_id"] == "shop-a" and row["carrier"] == "sandbox"
    assert row["order_id"] == (None if encoding == "utf-8" else "TB-1")


TOO_MANY = (HEADER + _rows(20_001)).encode()
TOO_BIG = (HEADER + "".join(f"TB-{i},SBX-BIG-{i},,{'买' * 190},,\n" for i in range(9_500))).encode()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


@pytest.mark.parametrize(
    ("content", "status", "says"),
    [
        (TOO_MANY, 400, "the file has 20,001 rows; at most 20,000 per import"),
        (TOO_BIG, 413, "the file is larger than 5 MB"),
        (PNG, 400, "this is not a CSV file"),
        (b"tracking_number,weight,colour\nSBX-1,2,red\n", 400, "unknown columns: weight, colour;"),
        (b"order_id,buyer_name\nTB-1,x\n", 400, "no tracking_number"),
        (b"tracking_number\n", 400, "no rows"),
        (b"", 400, "choose a CSV file"),
    ],
    ids=["too-many-rows", "too-big", "not-csv", "unknown-columns", "no-number-column", "no-rows", "empty"],
)
async def test_a_refused_file_says_why_and_writes_nothing(
    service: LiveService, console: httpx.AsyncClient, content: bytes, status: int, says: str
) -> None:
    assert len(TOO_BIG) > 5 * 1024 * 1024 and len(TOO_MANY) < 5 * 1024 * 1024
    refused = await _upload(console, content)
    assert refused.status_code == status
    assert says in refused.text
    assert 'id="import-error"' in refused.text
    assert await _shipments(service) == 0


async def test_a_key_of_several_shops_must_choose_one(service: LiveService, console: httpx.AsyncClient) -> None:
    for tenant in ("", "shop-z"):
        refused = await _upload(console, (HEADER + _rows(1)).encode(), tenant=tenant)
        assert refused.status_code == 400 and "choose the shop" in refused.text
    assert await _shipments(service) == 0


async def test_an_import_belongs_to_its_session_and_needs_the_csrf_token(
    service: LiveService, console: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    job = (await _upload(console, (HEADER + _rows(1)).encode())).headers["Location"]
    assert (await console.post(f"{job}/next", headers={"X-CSRF-Token": "forged"})).status_code == 403
    assert (await console.post(f"{job}/next", data={"csrf": "forged"})).status_code == 403
    other = await create_key(admin, "agent", ["shop-a"])
    async with signed_in(service.base_url, other) as stranger:
        csrf = await csrf_of(stranger, "/console/import")
        assert (await stranger.post(f"{job}/next", headers={"X-CSRF-Token": csrf})).status_code == 404
    assert await _shipments(service) == 0


async def test_an_import_expires_after_thirty_minutes(service: LiveService, console: httpx.AsyncClient) -> None:
    job = (await _upload(console, (HEADER + _rows(1)).encode())).headers["Location"]
    service.clock.advance(timedelta(minutes=31))
    assert (await console.get(job)).status_code == 404


@pytest.mark.parametrize(
    ("refusal", "text"),
    [
        (NotFound("tenant 'shop-z'"), "店铺不存在 / tenant 'shop-z' not found"),
        (Invalid("x", "carrier", "unknown_carrier"), "快递公司不认识 / x"),
        (
            Invalid(
                "x",
                "carrier",
                "carrier_ambiguous",
                candidates=[{"carrier": "a", "sub_carrier": None}, {"carrier": "b", "sub_carrier": "c"}],
            ),
            "快递公司不确定 / several carriers fit this number, fill in the carrier column: a, b/c",
        ),
        (Invalid("x", "tenant", "missing"), "请选择店铺 / choose the shop to import into"),
    ],
)
def test_a_refused_row_is_told_in_plain_words(refusal: UseCaseError, text: str) -> None:
    assert refusal_text(refusal).startswith(text)


async def test_a_key_of_one_shop_imports_into_it_without_a_picker(
    service: LiveService, console: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    key = await create_key(admin, "agent", ["shop-b"])
    async with signed_in(service.base_url, key) as single:
        page = await single.get("/console/import")
        assert 'name="tenant"' not in page.text and "shop-b" in page.text
        answers, errors = await _import(single, (HEADER + _rows(2)).encode())
    assert answers[-1]["created"] == 2 and errors == []
    assert await service.services.db.fetchval("SELECT array_agg(DISTINCT tenant_id) FROM shipments") == ["shop-b"]
