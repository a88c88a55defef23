"""RFC 9457 problem+json errors; every failure the API reports goes through here."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from tracking_service.jsonutil import dumps_bytes
from tracking_service.usecases.errors import Conflict, Invalid, NotFound, UseCaseError

PROBLEM_TYPE = "https://tracking-service.dev/problems/"


class Problem(Exception):
    """Raise from anywhere below a handler to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def not_found(what: str) -> Problem:
    return Problem(404, "Not Found", f"{what} not found")


def from_refusal(exc: UseCaseError) -> Problem:
    """A use case's refusal as the API reports it: 404, 409 or 422 with the field at fault."""
    if isinstance(exc, NotFound):
        return Problem(404, "Not Found", str(exc))
    if isinstance(exc, Conflict):
        return Problem(409, "Conflict", str(exc))
    if isinstance(exc, Invalid):
        error = {"loc": ["body", exc.field], "msg": exc.msg, "type": exc.kind, **exc.extra}
        return Problem(422, "Validation Failed", str(exc), [error])
    raise TypeError(f"no problem document for {type(exc).__name__}")


def from_validation(exc: ValidationError, where: str = "body") -> Problem:
    errors = [
        {"loc": [where, *err["loc"]], "msg": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or where}: {e['msg']}" for e in errors[:5])
    return Problem(422, "Validation Failed", summary, errors)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=dumps_bytes(data), status=status, content_type="application/json", charset="utf-8", headers=headers
    )


def problem_body(problem: Problem) -> dict[str, Any]:
    """The problem+json document (RFC 9457) of ``problem``; also a batch item's ``error``."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + problem.title.lower().replace(" ", "-"),
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    return body


def problem_response(problem: Problem) -> web.Response:
    return web.Response(
        body=dumps_bytes(problem_body(problem)),
        status=problem.status,
        content_type="application/problem+json",
        charset="utf-8",
        headers=problem.headers,
    )
