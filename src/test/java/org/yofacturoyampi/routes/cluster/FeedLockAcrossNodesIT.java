package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.TestDatabase;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/**
 * Two nodes' FeedRuns on one database: a feed never runs on two nodes at once (PostgreSQL advisory lock on a session of
 * its own), and a node that dies lets go of it.
 */
@Tag("database")
class FeedLockAcrossNodesIT {

    private static final String FEED = "yampi-contacts";
    private final DefaultCamelContext camel = new DefaultCamelContext();

    private static FeedRuns node(TestDatabase db, String id) {
        ClusterSettings settings = ClusterSchema.settings(db.url(), db.user(), id);
        FeedRuns feeds = new FeedRuns(new ObjectMapper(), Clock.systemUTC(), report -> { });
        feeds.register(FEED, "yampi-resource-walk", "default", "contacts", List.of("1"));
        feeds.inCluster(settings.nodeId(), new AdvisoryFeedLock(settings, Duration.ofMillis(100), () -> { }));
        return feeds;
    }

    private Exchange run() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(RouteHeaders.SYNC_FEED, FEED);
        exchange.getMessage().setHeader(RouteHeaders.SYNC_TRIGGER, "http");
        return exchange;
    }

    @Test
    void aRunAskedOnOneNodeWhileTheFeedRunsOnAnotherWaitsForItToEnd() throws Exception {
        try (TestDatabase db = TestDatabase.create(); LogCapture log = LogCapture.start()) {
            FeedRuns a = node(db, "node-a");
            FeedRuns b = node(db, "node-b");
            Exchange onA = run();
            a.begin(onA);

            // when the same feed is asked of node b
            Exchange onB = run();
            CompletableFuture<Void> begunOnB = CompletableFuture.runAsync(() -> {
                try {
                    b.begin(onB);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            // then it waits, saying so, for as long as a's run goes on
            await().atMost(Duration.ofSeconds(10)).until(() -> log.all()
                    .contains(FEED + " (http): waiting for the run under way on another node to end"));
            assertThat(begunOnB).isNotDone();
            a.end(onA);
            begunOnB.get(10, TimeUnit.SECONDS);
            b.end(onB);
            assertThat(log.all()).contains("(node node-a)").contains("(node node-b)");
        }
    }

    @Test
    void aNodeThatDiesMidRunLetsGoOfTheFeed() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            FeedRuns a = node(db, "node-a");
            FeedRuns b = node(db, "node-b");
            a.begin(run());

            // when node a's session ends without a word (kill -9: PostgreSQL closes the session)
            db.execute("SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory'"
                    + " AND l.classid = hashtext('yyr-feed:" + db.schema() + "')::oid"
                    + " AND l.objid = hashtext('" + FEED + "')::oid");

            // then node b runs the feed
            Exchange onB = run();
            CompletableFuture.runAsync(() -> {
                try {
                    b.begin(onB);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            b.end(onB);
        }
    }
}
