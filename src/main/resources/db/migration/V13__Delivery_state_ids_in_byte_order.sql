-- Record ids compare byte by byte (collation "C"), so that the primary key's index finds the children of a parent by
-- a prefix range: the ids of yofacturo-batch-invoices are <batch>/<invoice>, and safe names never hold a '/', so the
-- invoices of batch X are the ids from 'X/' up to (not including) 'X0' ('0' follows '/'). One query per page of
-- batches then tells which of them have any invoice marked. Only the index is rebuilt; the rows stay as they are.
ALTER TABLE delivery_state ALTER COLUMN record_id TYPE VARCHAR(1000) COLLATE "C";
