-- What was delivered downstream: one row per (tenant, feed, record id) with the fingerprint of the record's JSON as it
-- was delivered (cluster mode; the embedded default keeps the same in files under STATE_DIR). feed is the state's name:
-- yofacturo-invoice-batches, yofacturo-batch-invoices (record id <batch id>/<invoice id>) or yampi (record id
-- <resource>/<account id>/<id>).
CREATE TABLE delivery_state
(
    tenant       VARCHAR(100)  NOT NULL,
    feed         VARCHAR(100)  NOT NULL,
    record_id    VARCHAR(1000) NOT NULL,
    fingerprint  VARCHAR(64)   NOT NULL,
    delivered_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, feed, record_id)
);
