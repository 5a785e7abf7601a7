package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.TestDatabase;

@Tag("database")
class PostgresRateLimitStoreIT {

    @AutoClose
    private final TestDatabase db = ClusterSchema.migrated();

    private PostgresRateLimitStore store(String api, String tenant) {
        return new PostgresRateLimitStore(ClusterSchema.dataSource(db), api, tenant, Duration.ZERO, Clock.systemUTC());
    }

    @Test
    void aWaitWrittenByOneNodeIsReadByAnotherAndByOneStartedLater() {
        // given node a met a 429 asking for 30 seconds
        Instant until = Instant.now().plusSeconds(30);
        store("yampi", "support").closeUntil(until);

        // then another node's store, made after it, knows the wait (to within a second of clock)
        Instant seen = store("yampi", "support").noRequestBefore();
        assertThat(seen).isBetween(until.minusSeconds(1), until.plusSeconds(1));
    }

    @Test
    void aShorterWaitNeverShortensALongerOne() {
        store("yofacturo", "acme").closeUntil(Instant.now().plusSeconds(60));

        store("yofacturo", "acme").closeUntil(Instant.now().plusSeconds(5));

        assertThat(store("yofacturo", "acme").noRequestBefore()).isAfter(Instant.now().plusSeconds(50));
    }

    @Test
    void waitsAreKeptPerApiAndTenantNeverByCredential() throws Exception {
        store("yampi", "support").closeUntil(Instant.now().plusSeconds(30));

        assertThat(store("yampi", "sales").noRequestBefore()).isEqualTo(Instant.EPOCH);
        assertThat(store("yofacturo", "support").noRequestBefore()).isEqualTo(Instant.EPOCH);
        assertThat(db.count("SELECT count(*) FROM yyr_rate_limit WHERE api = 'yampi' AND tenant = 'support'")).isEqualTo(1);
    }

    @Test
    void aPassedWaitHoldsNothing() throws Exception {
        store("yampi", "support").closeUntil(Instant.now().plusMillis(200));
        Thread.sleep(400);

        assertThat(store("yampi", "support").noRequestBefore()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void withinTheRefreshTimeTheStoreAnswersFromItsCopyWithoutAQuery() {
        // given a store that read "no wait" a moment ago, refreshing every minute
        PostgresRateLimitStore cached = new PostgresRateLimitStore(ClusterSchema.dataSource(db), "yampi", "support",
                Duration.ofMinutes(1), Clock.systemUTC());
        assertThat(cached.noRequestBefore()).isEqualTo(Instant.EPOCH);

        // when another node writes a wait
        store("yampi", "support").closeUntil(Instant.now().plusSeconds(30));

        // then the cached copy still says none, and a store with no copy sees it
        assertThat(cached.noRequestBefore()).isEqualTo(Instant.EPOCH);
        assertThat(store("yampi", "support").noRequestBefore()).isAfter(Instant.now().plusSeconds(25));
    }

    @Test
    void anUnreachableDatabaseHoldsNothingAndThrowsNothing() {
        org.postgresql.ds.PGSimpleDataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:1/test?connectTimeout=1");
        PostgresRateLimitStore store = new PostgresRateLimitStore(nowhere, "yampi", "support", Duration.ZERO, Clock.systemUTC());

        store.closeUntil(Instant.now().plusSeconds(30));

        assertThat(store.noRequestBefore()).isEqualTo(Instant.EPOCH);
    }
}
