-- DELETE /v1/shipments/{id} stops tracking (SPEC §12): the row stays (history, claims, audit) but is no
-- longer polled, swept, subscribed or notified about.
ALTER TABLE shipments ADD COLUMN stopped_at timestamptz;
