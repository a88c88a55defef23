-- Claims (SPEC §8) with their transition history, and the audit log (SPEC §9).

CREATE TABLE claims (
    tenant_id        text NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    shipment_id      uuid NOT NULL,
    incident_id      uuid,
    carrier          text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('damaged', 'lost', 'not_received')),
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'evidence_requested', 'submitted',
                         'approved', 'rejected', 'paid', 'closed')),
    description      text NOT NULL,
    amount_value     numeric(12, 2),
    amount_currency  text,
    evidence         text[] NOT NULL DEFAULT '{}',
    deadline_at      timestamptz,
    past_window      boolean NOT NULL DEFAULT false,
    created_by       uuid,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- One active claim per (shipment, kind).
CREATE UNIQUE INDEX claims_one_active_idx ON claims (tenant_id, shipment_id, kind) WHERE state NOT IN ('paid', 'closed');
CREATE INDEX claims_id_idx ON claims (id);
CREATE INDEX claims_list_idx ON claims (tenant_id, created_at DESC, id DESC);

CREATE TABLE claim_transitions (
    tenant_id   text NOT NULL,
    claim_id    uuid NOT NULL,
    seq         int NOT NULL,
    from_state  text,
    to_state    text NOT NULL,
    by_key      uuid,
    note        text,
    at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, claim_id, seq)
);

-- Who (key) read or changed what, when. tenant_id '' for actions that span tenants.
CREATE TABLE audit_log (
    tenant_id    text NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    key_id       uuid,
    action       text NOT NULL,
    object_type  text NOT NULL,
    object_id    text,
    status       int NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
