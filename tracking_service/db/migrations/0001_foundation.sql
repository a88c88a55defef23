-- Foundation: tenants, keys, shipments, events.
-- Every tenant-owned table carries tenant_id first in its primary and unique keys,
-- so the schema can be distributed by tenant (Citus) without a rewrite.

CREATE TABLE tenants (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    timezone    text NOT NULL DEFAULT 'Asia/Shanghai',
    locale      text NOT NULL DEFAULT 'zh-Hans',
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    key_hash    bytea NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('admin', 'agent', 'service')),
    tenant_ids  text[] NOT NULL DEFAULT '{}',
    name        text,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE shipments (
    tenant_id              text NOT NULL REFERENCES tenants (id),
    id                     uuid NOT NULL,
    carrier                text NOT NULL,
    tracking_number        text NOT NULL,
    sub_carrier            text,
    order_id               text,
    status                 text NOT NULL DEFAULT 'pending',
    sub_status             text,
    last_event_at          timestamptz,
    last_event_status      text,
    last_event_sub_status  text,
    last_event_description text,
    last_event_location    text,
    last_event_code        text,
    last_event_source      text,
    carrier_eta            timestamptz,
    promised_delivery_at   timestamptz,
    linked_shipment_id     uuid,
    origin                 jsonb,
    destination            jsonb,
    buyer_sealed           bytea,          -- AES-GCM sealed buyer JSON (name, phone, email, address)
    buyer_key_id           text,
    buyer_masked           jsonb,          -- what responses show; never the raw values
    phone_last4_hash       bytea,          -- keyed hash for search by the last 4 digits
    metadata               jsonb NOT NULL DEFAULT '{}'::jsonb,
    next_poll_at           timestamptz,    -- NULL: not polled (terminal); doubles as the poll lease
    lease_owner            text,
    poll_failures          int NOT NULL DEFAULT 0,
    last_polled_at         timestamptz,
    last_poll_error        text,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, carrier, tracking_number)
);

CREATE INDEX shipments_due_idx ON shipments (next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX shipments_id_idx ON shipments (id);
CREATE INDEX shipments_tenant_created_idx ON shipments (tenant_id, created_at DESC, id DESC);
CREATE INDEX shipments_tracking_idx ON shipments (tracking_number, tenant_id);
CREATE INDEX shipments_order_idx ON shipments (order_id, tenant_id) WHERE order_id IS NOT NULL;
CREATE INDEX shipments_phone_idx ON shipments (phone_last4_hash, tenant_id) WHERE phone_last4_hash IS NOT NULL;

CREATE TABLE events (
    tenant_id     text NOT NULL,
    shipment_id   uuid NOT NULL,
    occurred_at   timestamptz NOT NULL,
    dedupe_key    bytea NOT NULL,      -- md5(carrier_code, description): same shipment+time+code+text = same event
    status        text NOT NULL,
    sub_status    text,
    description   text NOT NULL,
    location      text,
    carrier_code  text NOT NULL,
    source        text NOT NULL,
    received_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id, occurred_at, dedupe_key)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE events_default PARTITION OF events DEFAULT;

DO $$
DECLARE
    month date := date '2025-01-01';
BEGIN
    WHILE month < date '2028-01-01' LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
            'events_' || to_char(month, 'YYYY_MM'), month, (month + interval '1 month')::date
        );
        month := (month + interval '1 month')::date;
    END LOOP;
END $$;
