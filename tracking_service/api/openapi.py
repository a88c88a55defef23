"""The OpenAPI 3.1 document, built from the pydantic models the handlers use."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from schemas import api

# (method, path, summary, auth, body model, query model, success status, response model)
ROUTES: list[
    tuple[str, str, str, bool, type[BaseModel] | None, type[BaseModel] | None, int, type[BaseModel] | None]
] = [
    ("get", "/healthz", "Liveness", False, None, None, 200, None),
    ("get", "/readyz", "Readiness (checks the database)", False, None, None, 200, None),
    ("get", "/metrics", "Prometheus metrics", False, None, None, 200, None),
    ("post", "/v1/tenants", "Create a tenant (admin)", True, api.TenantCreate, None, 201, api.Tenant),
    (
        "put",
        "/v1/tenants/{tenant_id}/settings",
        "Replace a tenant's settings (admin)",
        True,
        api.TenantSettings,
        None,
        200,
        None,
    ),
    (
        "get",
        "/v1/tenants/{tenant_id}/settings",
        "A tenant's settings (admin); credentials only named",
        True,
        None,
        None,
        200,
        None,
    ),
    (
        "post",
        "/v1/keys",
        "Create an API key (admin); the secret is shown once",
        True,
        api.KeyCreate,
        None,
        201,
        api.KeyCreated,
    ),
    (
        "get",
        "/v1/keys",
        "API keys, newest first; never their secrets (admin)",
        True,
        None,
        api.KeySearch,
        200,
        api.Page,
    ),
    (
        "delete",
        "/v1/keys/{key_id}",
        "Revoke an API key; every replica refuses it within KEY_CACHE_SECONDS (admin; not the calling key)",
        True,
        None,
        None,
        204,
        None,
    ),
    (
        "post",
        "/v1/shipments",
        "Register a shipment (201 new, 200 existing)",
        True,
        api.ShipmentCreate,
        None,
        201,
        api.Shipment,
    ),
    (
        "post",
        "/v1/shipments/batch",
        "Register up to 1,000 shipments; each item answers like the single POST",
        True,
        api.ShipmentBatch,
        None,
        200,
        api.BatchResults,
    ),
    ("get", "/v1/shipments", "Search shipments", True, None, api.ShipmentSearch, 200, api.Page),
    ("get", "/v1/shipments/{shipment_id}", "One shipment", True, None, None, 200, api.Shipment),
    (
        "patch",
        "/v1/shipments/{shipment_id}",
        "Change order id, promise, buyer, metadata or destination",
        True,
        api.ShipmentPatch,
        None,
        200,
        api.Shipment,
    ),
    ("delete", "/v1/shipments/{shipment_id}", "Stop tracking (no more polls or notices)", True, None, None, 204, None),
    ("get", "/v1/shipments/{shipment_id}/events", "Timeline, newest first", True, None, api.PageQuery, 200, api.Page),
    ("post", "/v1/shipments/{shipment_id}/refresh", "Poll the carrier now", True, None, None, 200, api.Shipment),
    ("get", "/v1/incidents", "Incident queue", True, None, api.IncidentSearch, 200, api.Page),
    ("get", "/v1/incidents/{incident_id}", "One incident", True, None, None, 200, api.Incident),
    ("post", "/v1/incidents/{incident_id}/acknowledge", "Acknowledge an incident", True, None, None, 200, api.Incident),
    (
        "post",
        "/v1/incidents/{incident_id}/resolve",
        "Resolve an incident (optional note)",
        True,
        api.IncidentNote,
        None,
        200,
        api.Incident,
    ),
    ("get", "/v1/estimates", "Transit-time percentiles of a lane", True, None, api.EstimateQuery, 200, None),
    (
        "get",
        "/v1/shipments/{shipment_id}/answer",
        "Prepared answer for an intent",
        True,
        None,
        api.AnswerQuery,
        200,
        None,
    ),
    ("post", "/v1/answers", "Answer a buyer's free-text message", True, api.AnswerRequest, None, 200, None),
    ("post", "/v1/claims", "Open a claim", True, api.ClaimCreate, None, 201, None),
    ("get", "/v1/claims", "Claims, newest first", True, None, api.ClaimSearch, 200, api.Page),
    ("get", "/v1/claims/{claim_id}", "A claim with its history", True, None, None, 200, None),
    (
        "post",
        "/v1/claims/{claim_id}/transition",
        "Move a claim (illegal moves: 409)",
        True,
        api.ClaimTransition,
        None,
        200,
        None,
    ),
    (
        "post",
        "/v1/subscriptions",
        "Subscribe a webhook; returns a whsec_ secret once",
        True,
        api.SubscriptionCreate,
        None,
        201,
        api.Subscription,
    ),
    ("get", "/v1/subscriptions", "Live webhook subscriptions", True, None, api.TenantPage, 200, api.Page),
    ("get", "/v1/subscriptions/{subscription_id}", "A subscription", True, None, None, 200, api.Subscription),
    ("delete", "/v1/subscriptions/{subscription_id}", "Delete a subscription", True, None, None, 204, None),
    (
        "get",
        "/v1/deliveries",
        "Outbox deliveries (dead letters: status=dead)",
        True,
        None,
        api.DeliverySearch,
        200,
        api.Page,
    ),
    ("post", "/v1/deliveries/{delivery_id}/replay", "Replay a delivery (admin)", True, None, None, 200, None),
    ("get", "/v1/audit", "Audit log (admin)", True, None, api.AuditQuery, 200, api.Page),
    (
        "get",
        "/v1/stats",
        "Counts by status, incident kind, carrier, intent, hour",
        True,
        None,
        api.StatsQuery,
        200,
        None,
    ),
    ("post", "/v1/webhooks/carriers/{carrier}", "Carrier push (carrier's own signing)", False, None, None, 200, None),
]

_MODELS: list[type[BaseModel]] = [
    api.TenantCreate,
    api.Tenant,
    api.TenantSettings,
    api.KeyCreate,
    api.KeyCreated,
    api.ApiKey,
    api.KeySearch,
    api.ShipmentCreate,
    api.Shipment,
    api.ShipmentBatch,
    api.ShipmentPatch,
    api.BatchResults,
    api.Page,
    api.Problem,
    api.ShipmentSearch,
    api.PageQuery,
    api.IncidentSearch,
    api.ClaimSearch,
    api.TenantPage,
    api.IncidentNote,
    api.Incident,
    api.EstimateQuery,
    api.AnswerQuery,
    api.AnswerRequest,
    api.ClaimCreate,
    api.ClaimTransition,
    api.SubscriptionCreate,
    api.Subscription,
    api.DeliverySearch,
    api.AuditQuery,
    api.StatsQuery,
]


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
    return [
        {"name": name, "in": "query", "required": False, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def build_openapi() -> dict[str, Any]:
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [(m, "validation") for m in _MODELS]
    _, defs = models_json_schema(modes, ref_template="#/components/schemas/{model}")
    paths: dict[str, Any] = {}
    for method, path, summary, auth, body, query, status, response in ROUTES:
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
