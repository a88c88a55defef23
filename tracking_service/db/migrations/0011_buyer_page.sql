-- Buyers' tracking page and self-service (SPEC §11).
--
-- The page's link token is not stored at all: it is the shipment id plus an HMAC tag over (shipment id,
-- link_generation) under a key derived from TRACKING_PII_KEY (tracking_service.tracking_links), so any
-- replica can print the URL into a notice and check a presented token, and a database dump holds nothing
-- that opens a page. Revoking a link bumps link_generation: the old token stops verifying (404) and the
-- shipment's tracking_url is the new one.
ALTER TABLE shipments ADD COLUMN link_generation int NOT NULL DEFAULT 0;

-- Damage photos a buyer uploaded from the page: sniffed, re-encoded without metadata, kept in PostgreSQL
-- beside the claim they prove (agents read them through GET /v1/claims/{id}/evidence/{photo_id} and the
-- console's claim page).
CREATE TABLE claim_photos (
    tenant_id     text NOT NULL,
    id            uuid NOT NULL,
    claim_id      uuid NOT NULL,
    seq           int NOT NULL,
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width         int NOT NULL,
    height        int NOT NULL,
    size_bytes    int NOT NULL,
    sha256        bytea NOT NULL,
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX claim_photos_claim_idx ON claim_photos (tenant_id, claim_id, seq);

-- GET /track attempts per client address and minute, shared by every replica. A lookup spans shops, so
-- the rows carry tenant_id '' (as audit_log does for actions that span tenants); the client is a keyed
-- hash of the address, never the address itself.
CREATE TABLE lookup_attempts (
    tenant_id     text NOT NULL DEFAULT '',
    client        bytea NOT NULL,
    window_start  timestamptz NOT NULL,
    attempts      int NOT NULL,
    PRIMARY KEY (tenant_id, client, window_start)
);
CREATE INDEX lookup_attempts_window_idx ON lookup_attempts (window_start);
