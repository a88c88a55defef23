"""Prometheus metrics of the service (one process-wide registry)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UNMAPPED_CODES = Counter(
    "tracking_unmapped_carrier_codes_total",
    "Carrier codes no adapter table maps (stored as unknown)",
    ["carrier", "code"],
)
EVENTS_INGESTED = Counter("tracking_events_ingested_total", "New canonical events stored", ["source"])
POLLS = Counter("tracking_polls_total", "Shipment polls by outcome", ["carrier", "outcome"])
CARRIER_ERRORS = Counter("tracking_carrier_errors_total", "Typed carrier errors", ["carrier", "kind"])
CARRIER_CALL_SECONDS = Histogram("tracking_carrier_call_seconds", "Carrier API call latency", ["carrier"])
CIRCUIT_OPEN = Gauge("tracking_carrier_circuit_open", "1 while a carrier's circuit is open", ["carrier"])
STATUS_CHANGES = Counter("tracking_status_changes_total", "Shipment status transitions", ["carrier", "status"])
CARRIER_BUDGET_REFUSALS = Counter(
    "tracking_carrier_budget_refusals_total",
    "Carrier calls not made because a shared budget said no",
    ["carrier", "budget"],
)
# outcome: subscribed, failed (retried); cancelled, cancel_shared (another live shipment keeps the number),
# cancel_failed (retried), cancel_given_up — the cancellations of stopped shipments' subscriptions.
CARRIER_SUBSCRIPTIONS = Counter(
    "tracking_carrier_subscriptions_total",
    "Carrier push subscriptions and their cancellations by outcome",
    ["carrier", "outcome"],
)
NUMBER_RECOGNITIONS = Counter(
    "tracking_number_recognitions_total",
    "Aggregator number recognitions asked when local rules could not choose a carrier",
    ["carrier", "outcome"],
)
PUSHES = Counter("tracking_carrier_pushes_total", "Carrier pushes received", ["carrier", "outcome"])
HTTP_REQUESTS = Histogram(
    "tracking_http_request_seconds",
    "HTTP request latency by route",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
INCIDENTS_OPENED = Counter("tracking_incidents_opened_total", "Incidents opened", ["kind", "carrier"])
INCIDENTS_RESOLVED = Counter("tracking_incidents_resolved_total", "Incidents resolved", ["kind", "carrier", "how"])
INCIDENT_DETECT_SECONDS = Histogram(
    "tracking_incident_detect_seconds",
    "Time from an incident's cause (event or threshold crossing) to its detection",
    ["kind"],
    buckets=(1, 10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400),
)
NOTICES = Counter("tracking_notices_total", "Notice delivery attempts by outcome", ["channel", "outcome"])
OUTBOX_PENDING = Gauge("tracking_outbox_pending", "Notices waiting in the outbox")
OUTBOX_OLDEST_PENDING = Gauge("tracking_outbox_oldest_pending_seconds", "Age of the oldest pending notice")
INCIDENTS_OPEN = Gauge("tracking_incidents_open", "Unresolved incidents by kind", ["kind"])
