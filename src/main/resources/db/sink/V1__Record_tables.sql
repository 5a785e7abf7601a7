-- The table sink (SINK_DATABASE_URL): one table per kind of record, one row per record of a tenant, holding the
-- record as the API gave it (jsonb) and the fingerprint of its JSON, which is also the mark that it was delivered
-- (sink.TableDeliveryState): a row and its mark are one write, so they commit together or not at all.
--   tenant       : the tenant id (default with one organisation or token)
--   record_key   : the record's key in the delivery state, built from safe names (SafeFileName): <batch id> for
--                  batches, <batch id>/<invoice id> for invoices, <account id>/<record id> for Yampi records,
--                  <account id>/<conversation id>/<message id> for messages
--   id           : the record's id as the API gave it (text)
--   parent_id    : the batch id of an invoice, the account id of a Yampi record, the conversation id of a message
--   record       : the record, latest version
--   fingerprint  : SHA-256 (first 128 bits, hex) of the record's JSON as delivered
--   first_seen   : when the row was written first; last_changed: when a changed version last replaced it
--   changes      : how many changed versions replaced the first one (0: never changed). Writing a version the row
--                  already holds changes nothing, so a record delivered again after a crash is not applied twice.
CREATE TABLE yofacturo_invoice_batches
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yofacturo_batch_invoices
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_account
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_conversations
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_contacts
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_inboxes
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_agents
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_teams
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_labels
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_canned_responses
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_account_users
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
CREATE TABLE yampi_messages
(
    tenant       VARCHAR(100) NOT NULL,
    record_key   VARCHAR(400) COLLATE "C" NOT NULL,
    id           TEXT         NOT NULL,
    parent_id    TEXT,
    record       JSONB        NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    first_seen   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_changed TIMESTAMPTZ  NOT NULL DEFAULT now(),
    changes      INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, record_key)
);
-- the invoices of a page of batches: which batches have any invoice row, in one query (safe names hold no '/')
CREATE INDEX yofacturo_batch_invoices_batch ON yofacturo_batch_invoices (tenant, split_part(record_key, '/', 1));
