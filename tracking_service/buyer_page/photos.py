"""Damage photos from the buyers' page: read the multipart form with hard limits, sniff each file's type from
its bytes (never from its name or the browser's Content-Type), decode it fully with Pillow, and re-encode it
without any metadata (EXIF with GPS and camera serials, XMP, ICC, PNG text chunks, comments), upright.

Limits (SPEC §11): at most ``MAX_PHOTOS`` files of at most ``MAX_BYTES`` each, JPEG / PNG / WebP only, and at
most ``MAX_PIXELS`` pixels so a small file cannot expand into gigabytes (a decompression bomb). A refusal
names its HTTP status: 413 too large, 415 not an allowed image, 422 too many / broken / nothing to store.

Magic numbers: JPEG ``FF D8 FF`` (ITU T.81), PNG's 8-byte signature (RFC 2083 §3.1), WebP ``RIFF....WEBP``
(RFC 9649 §2.5). Pillow: ``Image.open`` is lazy, ``load()`` decodes, ``ImageOps.exif_transpose`` applies the
orientation before the EXIF block is dropped; ``save`` writes only the metadata it is given.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from aiohttp import BodyPartReader, web
from PIL import Image, ImageOps

MAX_PHOTOS = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_FIELD = 8 * 1024  # description and csrf
SAVE_AS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class Refused(Exception):
    """An upload the page turns down: its HTTP status and the page's sentence key (``buyer_page.words``)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Photo:
    content_type: str
    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> bytes:
        return hashlib.sha256(self.data).digest()


@dataclass
class DamageForm:
    fields: dict[str, str]
    files: list[bytes]


def sniff(head: bytes) -> str | None:
    """The image type the bytes are, whatever the file claims; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


async def read_form(request: web.Request) -> DamageForm:
    """The form's text fields and files, read no further than a limit allows (the rest is never buffered)."""
    if request.content_type != "multipart/form-data":
        raise Refused(400, "upload_form")
    form = DamageForm({}, [])
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.name != "photos":
            form.fields[part.name] = (await _read(part, MAX_FIELD, "description_missing")).decode("utf-8", "replace")
            continue
        data = await _read(part, MAX_BYTES, "photo_size")
        if not data and not part.filename:
            continue  # the file input left empty
        if len(form.files) == MAX_PHOTOS:
            raise Refused(422, "photo_count")
        if not data:
            raise Refused(422, "photo_broken")
        if sniff(data[:16]) is None:
            raise Refused(415, "photo_type")
        form.files.append(data)
    return form


async def _read(part: BodyPartReader, limit: int, reason: str) -> bytes:
    buffer = bytearray()
    while chunk := await part.read_chunk(65536):
        buffer += chunk
        if len(buffer) > limit:
            raise Refused(413 if reason == "photo_size" else 422, reason)
    return bytes(buffer)


def clean(data: bytes) -> Photo:
    """The photo decoded and written again without metadata; Refused when it is not what its bytes claim."""
    content_type = sniff(data[:16])
    if content_type is None:
        raise Refused(415, "photo_type")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[SAVE_AS[content_type]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Refused(413, "photo_size")
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused(413, "photo_size") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise Refused(422, "photo_broken") from exc
    return Photo(content_type, _encode(upright, content_type), upright.width, upright.height)


def _encode(image: Image.Image, content_type: str) -> bytes:
    # Encoders also copy some metadata from ``info`` (a JPEG comment, an ICC profile): keep only transparency.
    transparency = image.info.get("transparency")
    image.info = {"transparency": transparency} if transparency is not None else {}
    out = io.BytesIO()
    if content_type == "image/jpeg":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    elif content_type == "image/png":
        kept = image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16") else image.convert("RGBA")
        kept.save(out, "PNG", optimize=True)
    else:
        kept = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
        kept.save(out, "WEBP", quality=90)
    return out.getvalue()
