-- Camel's idempotent read lock of the inbound folders in cluster mode (camel-sql's
-- JdbcOrphanLockAwareIdempotentRepository): one row per file a node is reading, its absolute path as messageId, kept
-- alive by that node while it works and deleted when done. The columns are the ones the repository's SQL names.
CREATE TABLE yyr_inbound_read_lock (
    processorName VARCHAR(255)  NOT NULL,
    messageId     VARCHAR(2000) NOT NULL,
    createdAt     TIMESTAMP     NOT NULL,
    PRIMARY KEY (processorName, messageId)
);
