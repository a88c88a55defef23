-- The poll lease moves out of next_poll_at into its own, unindexed column: claiming a batch then changes
-- no indexed column, so PostgreSQL can update the rows in place (HOT) instead of adding an entry to every
-- index of shipments. Leaving a fifth of each new page free gives those in-place updates room.
ALTER TABLE shipments ADD COLUMN lease_until timestamptz;
ALTER TABLE shipments SET (fillfactor = 80);
