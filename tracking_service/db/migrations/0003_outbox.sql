-- Notices (SPEC §7): webhook subscriptions, the transactional outbox, desk links.

CREATE TABLE subscriptions (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    url         text NOT NULL,
    events      text[] NOT NULL,
    secret      text NOT NULL,          -- whsec_…; needed to sign, so stored (not hashed)
    created_at  timestamptz NOT NULL,
    deleted_at  timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX subscriptions_id_idx ON subscriptions (id);

-- Every notice is a row written in the same transaction as its cause; id is the idempotency id
-- (webhook-id, Idempotency-Key) and stays the same across retries and replays.
CREATE TABLE outbox (
    tenant_id        text NOT NULL,
    id               uuid NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('webhook', 'email', 'sms', 'desk')),
    subscription_id  uuid,
    event_type       text NOT NULL,
    shipment_id      uuid,
    incident_id      uuid,
    dedupe_key       text,               -- at most one notice per (shipment, incident, channel)
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    lease_owner      text,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX outbox_once_idx ON outbox (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_list_idx ON outbox (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX outbox_id_idx ON outbox (id);

-- The desk's own id for a shipment's ticket/conversation, so later notes land on the same thread.
CREATE TABLE desk_links (
    tenant_id    text NOT NULL,
    shipment_id  uuid NOT NULL,
    desk         text NOT NULL,
    external_id  text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, shipment_id, desk)
);

ALTER TABLE shipments ADD COLUMN buyer_opted_out boolean NOT NULL DEFAULT false;

-- Buyer questions answered through POST /v1/answers (for stats: hot intents, questions by hour).
CREATE TABLE questions (
    tenant_id    text NOT NULL,
    id           uuid NOT NULL,
    intent       text NOT NULL,
    locale       text NOT NULL,
    shipment_id  uuid,
    asked_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX questions_time_idx ON questions (tenant_id, asked_at);
