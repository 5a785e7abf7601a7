package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.camel.impl.DefaultCamelContext;
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
    private int nodes;

    @BeforeEach
    void schema() {
        db = ClusterSchema.migrated();
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void drop() throws Exception {
        camel.close();
        db.close();
    }

    private InboundReadLocks node(Duration maxAge) {
        InboundReadLocks locks = new InboundReadLocks(ClusterSchema.dataSource(db), "node-" + (++nodes), maxAge, camel);
        locks.start();
        return locks;
    }

    @Test
    void aFileOneNodeClaimedCannotBeClaimedByAnotherUntilReleased() {
        InboundReadLocks a = node(Duration.ofSeconds(30));
        InboundReadLocks b = node(Duration.ofSeconds(30));

        assertThat(a.add(FILE)).isTrue();
        assertThat(b.add(FILE)).isFalse();
        assertThat(a.add(FILE)).isFalse();

        a.remove(FILE);
        assertThat(b.add(FILE)).isTrue();
    }

    @Test
    void theClaimOfANodeThatDiedIsTakenOverOnceOlderThanTheMaximumAge() throws Exception {
        InboundReadLocks a = node(Duration.ofSeconds(30));
        assertThat(a.add(FILE)).isTrue();
        a.stop(); // no keep-alive any more, as after a kill -9
        db.execute("UPDATE yyr_inbound_read_lock SET createdAt = createdAt - INTERVAL '31 seconds'");

        assertThat(node(Duration.ofSeconds(30)).add(FILE)).isTrue();
    }

    @Test
    void twoNodesClaimingOneNewFileAtTheSameInstantGiveItToOneOfThem() throws Exception {
        // given two live nodes; when both claim each of many new files at the same instant; then one gets each
        eachGoesToOneOfTwoNodesClaimingItAtOnce("/shared/in/new-");
    }

    @Test
    void twoNodesTakingOverOneDeadNodesClaimAtTheSameInstantGiveItToOneOfThem() throws Exception {
        InboundReadLocks dead = node(Duration.ofSeconds(30));
        for (int file = 0; file < ROUNDS; file++) {
            assertThat(dead.add("/shared/in/orphan-" + file + ".json")).isTrue();
        }
        dead.stop();
        db.execute("UPDATE yyr_inbound_read_lock SET createdAt = createdAt - INTERVAL '31 seconds'");

        eachGoesToOneOfTwoNodesClaimingItAtOnce("/shared/in/orphan-");
    }

    @Test
    void aNodeReleasesOnlyAClaimItHolds() throws Exception {
        InboundReadLocks stalled = node(Duration.ofSeconds(30));
        assertThat(stalled.add(FILE)).isTrue();
        db.execute("UPDATE yyr_inbound_read_lock SET createdAt = createdAt - INTERVAL '31 seconds'");
        InboundReadLocks other = node(Duration.ofSeconds(30));
        assertThat(other.add(FILE)).isTrue();

        stalled.remove(FILE); // a node that stalled past the maximum age, then finished

        assertThat(node(Duration.ofSeconds(30)).add(FILE)).as("the file is still the other node's").isFalse();
    }

    private static final int ROUNDS = 50;

    private void eachGoesToOneOfTwoNodesClaimingItAtOnce(String prefix) throws Exception {
        InboundReadLocks a = node(Duration.ofSeconds(30));
        InboundReadLocks b = node(Duration.ofSeconds(30));
        for (int file = 0; file < ROUNDS; file++) {
            String name = prefix + file + ".json";
            assertThat(claimAtOnce(a, b, name)).as("nodes that got " + name).isEqualTo(1);
        }
    }

    /** How many of the two nodes got the file when both asked for it at once. */
    private static int claimAtOnce(InboundReadLocks a, InboundReadLocks b, String file) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> first = two.submit(() -> {
                together.await();
                return a.add(file);
            });
            Future<Boolean> second = two.submit(() -> {
                together.await();
                return b.add(file);
            });
            return (first.get() ? 1 : 0) + (second.get() ? 1 : 0);
        } finally {
            two.shutdownNow();
        }
    }
}
