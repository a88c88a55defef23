"""The OpenAPI 3.1 document, built from the ``@operation`` declarations of the handlers (api/routing.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from schemas import api
from tracking_service.api.routing import OPERATIONS

_ERRORS = [
    (400, "Bad request (malformed JSON, bad cursor)"),
    (401, "Missing or invalid key / signature"),
    (403, "The key's role may not do this"),
    (404, "Not found (or another tenant's)"),
    (409, "Conflict with the current state"),
    (413, "Body too large"),
    (415, "Unsupported media type"),
    (422, "Validation failed"),
    (429, "Rate limited; see Retry-After"),
]


def _error_responses(codes: list[int] | None = None) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        str(code): {"description": text, "content": problem} for code, text in _ERRORS if codes is None or code in codes
    }


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def build_openapi() -> dict[str, Any]:
    """The document of every ``@operation`` declared so far: the route modules declare theirs when imported,
    which the app factory (tracking_service.app) does."""
    models: set[type[BaseModel]] = {api.Problem}
    models.update(m for op in OPERATIONS for m in (op.body, op.query, op.response) if m is not None)
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "validation") for m in sorted(models, key=lambda m: m.__name__)
    ]
    _, defs = models_json_schema(modes, ref_template="#/components/schemas/{model}")
    paths: dict[str, Any] = {}
    for method, path, summary, auth, body, query, status, response in (
        (o.method, o.path, o.summary, o.auth, o.body, o.query, o.status, o.response) for o in OPERATIONS
    ):
        op: dict[str, Any] = {"summary": summary, "responses": {}}
        params = [
            {"name": p.strip("{}"), "in": "path", "required": True, "schema": {"type": "string"}}
            for p in path.split("/")
            if p.startswith("{")
        ]
        if query is not None:
            params.extend(_query_parameters(query))
        if params:
            op["parameters"] = params
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}},
            }
        ok: dict[str, Any] = {"description": "OK"}
        if response is not None:
            ok["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{response.__name__}"}}}
        op["responses"][str(status)] = ok
        if auth:
            op["security"] = [{"bearer": []}]
            op["responses"].update(_error_responses())
        elif path.startswith("/v1/"):
            op["responses"].update(_error_responses([400, 401, 404, 413]))
        if path == "/readyz":
            op["responses"]["503"] = {"description": "Database unavailable"}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "tracking-service", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
