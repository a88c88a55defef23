-- Incidents (SPEC §6) and the lane transit-time aggregate behind estimates.

CREATE TABLE incidents (
    tenant_id        text NOT NULL,
    id               uuid NOT NULL,
    shipment_id      uuid NOT NULL,
    carrier          text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('delayed', 'stalled', 'lost', 'damaged', 'delivery_failed',
                         'returned_to_sender', 'customs_hold', 'address_issue', 'delivery_disputed')),
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
    facts            jsonb NOT NULL,
    opened_at        timestamptz NOT NULL,
    detect_seconds   double precision,      -- from the cause (event or threshold crossing) to opening
    acknowledged_at  timestamptz,
    acknowledged_by  uuid,
    resolved_at      timestamptz,
    resolved_by      uuid,                  -- NULL with resolution 'auto'
    resolution       text,
    note             text,
    PRIMARY KEY (tenant_id, id)
);

-- At most one unresolved incident per (shipment, kind), enforced by the database.
CREATE UNIQUE INDEX incidents_one_unresolved_idx ON incidents (tenant_id, shipment_id, kind)
    WHERE state <> 'resolved';
CREATE INDEX incidents_queue_idx ON incidents (tenant_id, opened_at DESC, id DESC);
CREATE INDEX incidents_id_idx ON incidents (id);

-- When the time-driven rules (stalled, delayed, lost by silence) could next fire for a shipment.
ALTER TABLE shipments ADD COLUMN sweep_at timestamptz;
ALTER TABLE shipments ADD COLUMN picked_up_at timestamptz;
ALTER TABLE shipments ADD COLUMN delivered_at timestamptz;
CREATE INDEX shipments_sweep_idx ON shipments (sweep_at) WHERE sweep_at IS NOT NULL;
UPDATE shipments SET sweep_at = created_at WHERE status NOT IN ('delivered', 'returned', 'expired');

-- Transit-time histogram per lane and level, updated as parcels are delivered (1-hour buckets).
-- level: city | region | country | carrier; origin/destination keys are '' where the level ignores them.
CREATE TABLE lane_transit (
    tenant_id    text NOT NULL,
    carrier      text NOT NULL,
    level        text NOT NULL CHECK (level IN ('city', 'region', 'country', 'carrier')),
    origin       text NOT NULL,
    destination  text NOT NULL,
    bucket_hours int NOT NULL,
    samples      bigint NOT NULL,
    PRIMARY KEY (tenant_id, carrier, level, origin, destination, bucket_hours)
);
