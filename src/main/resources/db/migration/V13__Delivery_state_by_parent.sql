-- A record id's first segment names its parent where records nest (yofacturo-batch-invoices: <batch>/<invoice>; safe
-- names never hold a '/'). One query per page of batches then tells which of them have any invoice marked, so the
-- invoices of a batch that has none are not looked up one batch at a time.
-- The parent comes first, so that a lookup by record id never takes this index for the primary key's.
CREATE INDEX delivery_state_parent ON delivery_state (split_part(record_id, '/', 1), tenant, feed);
