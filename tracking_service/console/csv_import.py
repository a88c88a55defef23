"""The console's CSV import, the file half: decode (UTF-8 with or without BOM, else GB18030 as Chinese Excel
saves it), map the header (English names or the Chinese aliases), and turn each row into a ``ShipmentCreate``
or a row error in plain words. A refusal of the whole file (too big, too many rows, not a CSV, unknown
columns) is ``FileRefused``; nothing is registered then."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from schemas.api import TRACKING_NUMBER_MAX, ShipmentCreate
from tracking_service.usecases.errors import Invalid, NotFound, UseCaseError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

# Header → field; the Chinese names are what shops' Excel exports call the columns.
COLUMNS = {
    "order_id": "order_id",
    "订单号": "order_id",
    "tracking_number": "tracking_number",
    "快递单号": "tracking_number",
    "运单号": "tracking_number",
    "carrier": "carrier",
    "快递公司": "carrier",
    "buyer_name": "buyer_name",
    "收件人": "buyer_name",
    "buyer_phone": "buyer_phone",
    "手机": "buyer_phone",
    "电话": "buyer_phone",
    "buyer_email": "buyer_email",
    "邮箱": "buyer_email",
}


class FileRefused(ValueError):
    """The file as a whole cannot be imported; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # as in the file: the header is row 1
    tracking_number: str
    message: str


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    body: ShipmentCreate


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK)."""
    if b"\x00" in data:
        raise FileRefused("这不是 CSV 文件 / this is not a CSV file (it holds binary data)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("文件编码无法识别 / the file is neither UTF-8 nor GBK text; save it as CSV (UTF-8)")


def parse(data: bytes, tenant: str | None) -> list[ParsedRow | RowError]:
    """Every data row of the file, in order, as a body to register (for ``tenant``) or the reason it cannot be."""
    if len(data) > MAX_BYTES:
        raise FileRefused(f"文件太大 / the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    records = csv.reader(io.StringIO(decode(data), newline=""))
    try:
        fields = _header(next(records, []))
        rows = [(number, cells) for number, cells in enumerate(records, start=2) if any(c.strip() for c in cells)]
    except csv.Error as exc:
        raise FileRefused(f"这不是有效的 CSV / the file is not valid CSV: {exc}") from exc
    if not rows:
        raise FileRefused("文件里没有数据行 / the file has a header but no rows")
    if len(rows) > MAX_ROWS:
        raise FileRefused(f"行数太多 / the file has {len(rows):,} rows; at most {MAX_ROWS:,} per import")
    return [_row(number, dict(zip(fields, (c.strip() for c in cells), strict=False)), tenant) for number, cells in rows]


def _header(cells: list[str]) -> list[str]:
    names = [c.strip() for c in cells]
    if not any(names):
        raise FileRefused("第一行必须是表头 / the first row must be the header (order_id, tracking_number, …)")
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise FileRefused("不认识的列 / unknown columns: " + ", ".join(unknown) + "; known: " + ", ".join(COLUMNS))
    fields = [COLUMNS[n] for n in names]
    if "tracking_number" not in fields:
        raise FileRefused("缺少快递单号列 / the header has no tracking_number (快递单号) column")
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise FileRefused("重复的列 / columns given twice: " + ", ".join(repeated))
    return fields


def _row(number: int, cells: dict[str, str], tenant: str | None) -> ParsedRow | RowError:
    tracking_number = cells.get("tracking_number", "")
    buyer = {k: cells.get(f"buyer_{k}") or None for k in ("name", "phone", "email")}
    item: dict[str, Any] = {
        "tracking_number": tracking_number,
        "order_id": cells.get("order_id") or None,
        "carrier": cells.get("carrier") or None,
        "tenant": tenant,
        "buyer": buyer if any(buyer.values()) else None,
    }
    try:
        return ParsedRow(number, ShipmentCreate.model_validate(item))
    except ValidationError as exc:
        return RowError(number, tracking_number, "; ".join(_problem(e) for e in exc.errors()))


# (field, pydantic error type) → what the agent reads; the value itself is never repeated (it may be a phone).
PROBLEMS = {
    ("tracking_number", "missing"): "快递单号为空 / tracking number is empty",
    ("tracking_number", "string_too_short"): "快递单号为空 / tracking number is empty",
    ("tracking_number", "string_pattern_mismatch"): (
        "快递单号格式不对 / tracking number has characters that are not allowed (letters, digits, - and _ only)"
    ),
    ("tracking_number", "string_too_long"): (
        f"快递单号太长 / tracking number is longer than {TRACKING_NUMBER_MAX} characters"
    ),
    ("order_id", "string_too_long"): "订单号太长 / order id is longer than 128 characters",
    ("carrier", "string_too_long"): "快递公司代码太长 / carrier code is too long",
    ("buyer.name", "string_too_long"): "收件人太长 / buyer name is longer than 200 characters",
    ("buyer.phone", "string_pattern_mismatch"): "手机号格式不对 / buyer phone is not a phone number",
    ("buyer.phone", "string_too_long"): "手机号太长 / buyer phone is too long",
    ("buyer.email", "string_pattern_mismatch"): "邮箱格式不对 / buyer e-mail is not an e-mail address",
    ("buyer.email", "string_too_long"): "邮箱太长 / buyer e-mail is too long",
}


def _problem(error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"])
    return PROBLEMS.get((field, error["type"]), f"{field}: {error['msg']}")


def refusal_text(refusal: UseCaseError) -> str:
    """A use case's refusal of one row, in plain words."""
    if isinstance(refusal, NotFound) and refusal.what.startswith("tenant"):
        return f"店铺不存在 / {refusal.what} not found (or not one of your shops)"
    if isinstance(refusal, Invalid) and refusal.kind == "unknown_carrier":
        return f"快递公司不认识 / {refusal}"
    if isinstance(refusal, Invalid) and refusal.kind == "carrier_ambiguous":
        names = ", ".join(_candidates(refusal.extra.get("candidates") or []))
        if names:
            return f"快递公司不确定 / several carriers fit this number, fill in the carrier column: {names}"
        return "识别不出快递公司 / the carrier cannot be detected from this number; fill in the carrier column"
    if isinstance(refusal, Invalid) and refusal.field == "tenant":
        return "请选择店铺 / choose the shop to import into"
    return str(refusal)


def _candidates(candidates: list[dict[str, Any]]) -> Iterator[str]:
    for c in candidates:
        yield c["carrier"] + (f"/{c['sub_carrier']}" if c.get("sub_carrier") else "")
