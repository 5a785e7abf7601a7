-- The node that holds each inbound read lock, so that a node releases or keeps alive only the locks it holds (one that
-- stalled past the maximum age finds its lock taken over, and leaves it to the node that took it).
ALTER TABLE yyr_inbound_read_lock ADD COLUMN owner VARCHAR(255);
