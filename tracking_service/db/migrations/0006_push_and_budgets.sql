-- Push-first subscriptions and carrier budgets shared by every replica (SPEC §10).

-- A shipment of a carrier that pushes is subscribed by a background job (claimed with SKIP LOCKED on
-- push_due_at, like polls). push_state: pending (to subscribe), subscribed, failed (retrying, see
-- push_due_at), stopped (the carrier ended the subscription; polling took over).
ALTER TABLE shipments
    ADD COLUMN push_state    text CHECK (push_state IN ('pending', 'subscribed', 'failed', 'stopped')),
    ADD COLUMN push_due_at   timestamptz,
    ADD COLUMN push_attempts int NOT NULL DEFAULT 0,
    ADD COLUMN push_error    text;
CREATE INDEX shipments_push_due_idx ON shipments (push_due_at) WHERE push_due_at IS NOT NULL;

-- Carrier budgets belong to the service's carrier accounts, not to a tenant: Citus reference tables.
-- Rate: a shared GCRA cell per carrier; ``tat`` is the theoretical arrival time of the next call.
CREATE TABLE carrier_rate (
    carrier text PRIMARY KEY,
    tat     timestamptz NOT NULL
);

-- Daily quota: calls per carrier and UTC day (DHL resets at 00:00 GMT).
CREATE TABLE carrier_quota (
    carrier text NOT NULL,
    day     date NOT NULL,
    used    int NOT NULL,
    PRIMARY KEY (carrier, day)
);

-- Per-number minimum interval (Kuaidi100: 30 min; it locks a number queried more than 48 times a day),
-- across tenants that track the same number.
CREATE TABLE carrier_number_calls (
    carrier         text NOT NULL,
    tracking_number text NOT NULL,
    last_call_at    timestamptz NOT NULL,
    PRIMARY KEY (carrier, tracking_number)
);
