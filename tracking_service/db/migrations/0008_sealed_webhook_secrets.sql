-- Webhook signing secrets are sealed at rest like desk credentials (AES-GCM with the PII key, key id for
-- rotation); `secret` keeps only rows written before this, until start-up seals them (db.subscriptions).
ALTER TABLE subscriptions
    ADD COLUMN secret_sealed bytea,
    ADD COLUMN secret_key_id text,
    ALTER COLUMN secret DROP NOT NULL;
