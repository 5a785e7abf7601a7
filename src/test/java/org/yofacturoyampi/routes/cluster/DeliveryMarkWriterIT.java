package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.ConnectionCount;
import org.yofacturoyampi.routes.support.TcpProxy;
import org.yofacturoyampi.routes.support.TestDatabase;

/** Marks of delivered records reach the cluster database in groups, and are never lost on the way. */
@Tag("database")
class DeliveryMarkWriterIT {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void marksMadeOneByOneAreCommittedInGroupsByTheWriter() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db.url(), db)) {
            AtomicInteger statements = new AtomicInteger();
            DeliveryMarkWriter writer = new DeliveryMarkWriter(ConnectionCount.counting(pool, statements));
            writer.start();
            DatabaseDeliveryState state = new DatabaseDeliveryState(pool, writer, "default", "yampi");

            // when 3,000 records are marked as the idempotent consumer marks them, one at a time
            for (int i = 0; i < 3000; i++) {
                state.add(exchange(), "contacts/1/" + i + "\tprint");
            }

            // then every mark is committed, in far fewer statements than marks
            await().atMost(Duration.ofSeconds(20)).until(() -> db.count("SELECT count(*) FROM delivery_state") == 3000);
            assertThat(statements.get()).isBetween(3, 300);
            writer.stop();
        }
    }

    @Test
    void aCheckSeesAMarkThatIsStillQueued() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db.url(), db)) {
            // given a writer that has not written yet (not started)
            DeliveryMarkWriter writer = new DeliveryMarkWriter(pool);
            DatabaseDeliveryState state = new DatabaseDeliveryState(pool, writer, "default", "yampi");

            state.add(exchange(), "contacts/1/7\tprint-b");

            // then the record counts as delivered with that fingerprint, though no row holds it yet
            assertThat(db.count("SELECT count(*) FROM delivery_state")).isZero();
            assertThat(state.contains(exchange(), "contacts/1/7\tprint-b")).isTrue();
            assertThat(state.recorded("contacts/1/7")).isEqualTo("print-b");
            // and a flush (a run's end) commits it
            writer.flush();
            assertThat(db.count("SELECT count(*) FROM delivery_state WHERE fingerprint = 'print-b'")).isEqualTo(1);
        }
    }

    @Test
    void aRunsEndWritesItsQueuedMarksBeforeItsFeedLockGoes() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db.url(), db)) {
            DeliveryMarkWriter writer = new DeliveryMarkWriter(pool);
            DatabaseDeliveryState state = new DatabaseDeliveryState(pool, writer, "default", "yampi");
            AdvisoryFeedLock lock = new AdvisoryFeedLock(ClusterSchema.settings(db.url(), db.user()), Duration.ofMillis(100), writer::flushAtRunEnd);
            var held = lock.acquire("yampi-contacts", () -> { });
            state.add(exchange(), "contacts/1/1\tprint");

            held.close();

            assertThat(db.count("SELECT count(*) FROM delivery_state")).isEqualTo(1);
        }
    }

    @Test
    void marksTheDatabaseCouldNotTakeWaitForItAndTheRunsAreToldToDeliverNoMore() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                TcpProxy proxy = TcpProxy.to(db.server().getHost(), db.server().getPort());
                HikariDataSource pool = pool(db.urlThrough(proxy.port()), db)) {
            DeliveryMarkWriter writer = new DeliveryMarkWriter(pool);
            writer.start();
            DatabaseDeliveryState state = new DatabaseDeliveryState(pool, writer, "default", "yampi");
            // given the database gone away
            proxy.cut();

            // when a delivered record is marked
            state.add(exchange(), "contacts/1/1\tprint");

            // then the next check says the state is unavailable instead of letting more through
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.failure() != null);
            assertThatThrownBy(() -> state.contains(exchange(), "contacts/1/2\tprint"))
                    .isInstanceOf(DeliveryStateUnavailableException.class)
                    .hasMessageContaining("cluster database");
            // and once the database is back, the mark is written and the runs may go on
            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM delivery_state") == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> writer.failure() == null);
            writer.stop();
        }
    }

    @Test
    void aRunsEndWithTheDatabaseGoneSaysWhyAndItsMarksWaitForTheDatabase() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                TcpProxy proxy = TcpProxy.to(db.server().getHost(), db.server().getPort());
                HikariDataSource pool = pool(db.urlThrough(proxy.port()), db)) {
            // given a record marked by a run, and the writer not started yet (it has not met the database gone)
            DeliveryMarkWriter writer = new DeliveryMarkWriter(pool);
            DatabaseDeliveryState state = new DatabaseDeliveryState(pool, writer, "default", "yampi");
            state.add(exchange(), "contacts/1/1\tprint");
            proxy.cut();

            // when the run ends with the database gone, then it is told why
            assertThatThrownBy(writer::flushAtRunEnd).isInstanceOf(DeliveryStateUnavailableException.class)
                    .hasMessageContaining("cluster database");
            // and the mark waits in the queue (checks still see it), and is written once the database is back
            assertThat(writer.queued("default", "yampi", List.of("contacts/1/1"))).containsEntry("contacts/1/1", "print");
            proxy.restore();
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> db.count("SELECT count(*) FROM delivery_state") == 1);
            writer.flushAtRunEnd();
            writer.stop();
        }
    }

    private Exchange exchange() {
        return new DefaultExchange(camel);
    }

    private static HikariDataSource pool(String url, TestDatabase db) {
        return ClusterDatabase.open(ClusterSchema.settings(url, db.user()));
    }
}
