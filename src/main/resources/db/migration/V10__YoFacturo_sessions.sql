-- One YoFacturo session per organisation for the whole cluster (cluster.PostgresSessionStore). A node renews it
-- holding this row's lock (SELECT ... FOR UPDATE), so concurrent nodes cause one sessions call.
-- sealed_token: the token encrypted with AES-256-GCM under CLUSTER_SECRET_KEY (cluster.SessionCipher): the 12-byte
-- IV, then the ciphertext and its 16-byte tag; the tenant id is the associated data. Never the plain token.
CREATE TABLE yyr_yofacturo_session (
    tenant       VARCHAR(100) PRIMARY KEY,
    sealed_token BYTEA,
    expires_at   TIMESTAMPTZ,
    renewed_by   VARCHAR(200),
    renewed_at   TIMESTAMPTZ
);
