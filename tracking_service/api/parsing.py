"""Request input into models: JSON bodies, query strings and path ids, each failure a clear 4xx."""

from __future__ import annotations

import json
import uuid
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from tracking_service.api.problems import Problem, from_validation, not_found

M = TypeVar("M", bound=BaseModel)


async def read_body(request: web.Request, model: type[M]) -> M:
    """Parse a JSON body into ``model``: 415 for other content types, 400 for bad JSON, 422 for bad fields."""
    if request.content_type != "application/json":
        raise Problem(415, "Unsupported Media Type", "send the body as `Content-Type: application/json`")
    raw = await request.read()
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Bad Request", f"body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise Problem(
            422,
            "Validation Failed",
            "body must be a JSON object",
            [{"loc": ["body"], "msg": "must be an object", "type": "object_type"}],
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation(exc) from exc


def parse_query(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise from_validation(exc, "query") from exc


def path_uuid(request: web.Request, name: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(request.match_info[name])
    except ValueError as exc:
        raise not_found(what) from exc
