-- DELETE /v1/shipments/{id} cancels the carrier's push subscription where the carrier allows it (SPEC §12;
-- 17TRACK stoptrack), as background work claimed with SKIP LOCKED on push_due_at like the subscriptions.
-- New push_state values (the old ones keep their meaning; 'stopped' is also a DELETEd shipment whose carrier
-- has no cancel call, its subscription left to run out):
--   cancelling     stopped by DELETE, the carrier subscription still to cancel (due at push_due_at;
--                  push_error / push_attempts while retrying)
--   cancelled      this shipment no longer holds a carrier subscription: cancelled at the carrier, or left
--                  to another live shipment (any tenant) of the same carrier and number that still wants it
--   cancel_failed  the cancellation was given up after its attempts; push_error says why
ALTER TABLE shipments DROP CONSTRAINT shipments_push_state_check;
ALTER TABLE shipments ADD CONSTRAINT shipments_push_state_check CHECK (
    push_state IN ('pending', 'subscribed', 'failed', 'stopped', 'cancelling', 'cancelled', 'cancel_failed')
);
