-- API key lifecycle (SPEC §12): a shown prefix, expiry, last use; admin keys span every tenant.

-- prefix: the first characters of the secret (at most 8, and never more than a quarter of it), kept at
-- creation so admins can tell keys apart; NULL for keys created before this migration (only their hash
-- is known). last_used_at is written at most once a minute per key (tracking_service.auth).
ALTER TABLE api_keys
    ADD COLUMN prefix       text,
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz;

-- An admin key always saw every tenant; a tenant list on one was echoed but never applied. Drop the
-- misleading lists and refuse new ones.
UPDATE api_keys SET tenant_ids = '{}' WHERE role = 'admin' AND tenant_ids <> '{}';
ALTER TABLE api_keys ADD CONSTRAINT api_keys_admin_spans_every_tenant CHECK (role <> 'admin' OR tenant_ids = '{}');

CREATE INDEX api_keys_created_idx ON api_keys (created_at DESC, id DESC);

-- Console sign-ins: the cookie holds a random 32-byte token; only its SHA-256 is kept. A session ends at
-- expires_at (12 h after sign-in), at logout (revoked_at), or as soon as its key is revoked or expires. Like
-- api_keys, a reference table (not distributed by tenant).
CREATE TABLE console_sessions (
    token_hash  bytea PRIMARY KEY,
    key_id      uuid NOT NULL REFERENCES api_keys (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);
