-- The "no request before" instant a 429's Retry-After sets, per API and tenant (cluster.PostgresRateLimitStore):
-- every node honours it, and so does a node restarted during the wait. The tenant id is the key, never a credential.
CREATE TABLE yyr_rate_limit (
    api        VARCHAR(20)  NOT NULL,
    tenant     VARCHAR(100) NOT NULL,
    not_before TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (api, tenant)
);
