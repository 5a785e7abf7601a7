package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.TestDatabase;

/** The inbound read locks of two nodes (two repositories, two connection sources) on one schema. */
@Tag("database")
class InboundReadLocksIT {

    private static final String FILE = "/shared/in/yampi-messages/m.json";

    private TestDatabase db;
    private DefaultCamelContext camel;

    @BeforeEach
    void schema() {
        db = TestDatabase.create();
        ClusterSchema.migrate(db);
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void drop() throws Exception {
        camel.close();
        db.close();
    }

    private JdbcOrphanLockAwareIdempotentRepository node(Duration maxAge) {
        JdbcOrphanLockAwareIdempotentRepository locks = ClusterStores.readLocks(camel, ClusterSchema.dataSource(db), maxAge);
        locks.start();
        return locks;
    }

    @Test
    void aFileOneNodeClaimedCannotBeClaimedByAnotherUntilReleased() {
        JdbcOrphanLockAwareIdempotentRepository a = node(Duration.ofSeconds(30));
        JdbcOrphanLockAwareIdempotentRepository b = node(Duration.ofSeconds(30));

        assertThat(a.add(FILE)).isTrue();
        assertThat(b.add(FILE)).isFalse();
        assertThat(a.add(FILE)).isFalse();

        a.remove(FILE);
        assertThat(b.add(FILE)).isTrue();
    }

    @Test
    void theClaimOfANodeThatDiedIsTakenOverOnceOlderThanTheMaximumAge() throws Exception {
        JdbcOrphanLockAwareIdempotentRepository a = node(Duration.ofSeconds(30));
        assertThat(a.add(FILE)).isTrue();
        a.stop(); // no keep-alive any more, as after a kill -9
        db.execute("UPDATE yyr_inbound_read_lock SET createdAt = createdAt - INTERVAL '31 seconds'");

        assertThat(node(Duration.ofSeconds(30)).add(FILE)).isTrue();
    }
}
