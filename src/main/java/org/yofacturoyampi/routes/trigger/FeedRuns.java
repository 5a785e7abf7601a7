package org.yofacturoyampi.routes.trigger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.tenant.Tenants;

/**
 * The feeds that can be run, and their runs: the route {@code sync} (routes/sync.yaml) calls {@link #begin} and
 * {@link #end} around every run, scheduled or triggered. A feed runs once at a time: a run asked for while another
 * run of the same feed is under way waits for it to end, then runs; in cluster mode also when that run is on another
 * node ({@link FeedLock}).
 */
public final class FeedRuns {

    public static final String FEED = "SyncFeed";
    public static final String ACCOUNT = "SyncAccount";
    public static final String TRIGGER = "SyncTrigger";
    /** Exchange variables the feed's walk route reads. */
    public static final String ENTRY = "feedEntry";
    public static final String ACCOUNTS = "accountIds";
    public static final String RESOURCE = "resource";

    private static final Logger LOG = LoggerFactory.getLogger(FeedRuns.class);
    private static final String HOLDS_LOCK = "SyncHoldsFeedLock";
    private static final String CLUSTER_LOCK = "SyncClusterFeedLock";

    private record Feed(String name, String entry, String tenant, String resource, List<String> accounts) {
    }

    private final Map<String, Feed> feeds = new ConcurrentSkipListMap<>();
    private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();
    private final ObjectMapper json;
    private final Clock clock;
    private final Consumer<SyncReport> finished;
    private volatile Duration progressEvery = Duration.ofSeconds(5);
    private volatile FeedLock clusterLock = FeedLock.NONE;
    private volatile String node;

    /** @param finished told of every finished run (metrics) */
    public FeedRuns(ObjectMapper json, Clock clock, Consumer<SyncReport> finished) {
        this.json = json;
        this.clock = clock;
        this.finished = finished;
    }

    /** How often a long run logs how far it got (configuration: progress-every). */
    public void progressEvery(Duration every) {
        this.progressEvery = every;
    }

    /**
     * Cluster mode: every run also takes the feed's lock across the nodes, and its line says which node ran it.
     */
    public void inCluster(String nodeId, FeedLock lock) {
        this.node = nodeId;
        this.clusterLock = lock;
    }

    /** A feed without accounts (YoFacturo) of one tenant: its walk route is {@code direct:<entry>}. */
    public void register(String name, String entry, String tenant) {
        feeds.put(name, new Feed(name, entry, tenant, null, List.of()));
    }

    /** A Yampi feed of one tenant: one resource, walked for each of these accounts unless a trigger names one. */
    public void register(String name, String entry, String tenant, String resource, List<String> accounts) {
        feeds.put(name, new Feed(name, entry, tenant, resource, List.copyOf(accounts)));
    }

    public List<String> feedNames() {
        return List.copyOf(feeds.keySet());
    }

    public void begin(Exchange exchange) throws InterruptedException {
        String name = exchange.getMessage().getHeader(FEED, String.class);
        String account = exchange.getMessage().getHeader(ACCOUNT, String.class);
        String trigger = exchange.getMessage().getHeader(TRIGGER, "direct", String.class);
        Feed feed = name == null ? null : feeds.get(name);
        if (feed == null) {
            throw new BadTriggerException("unknown feed '" + name + "'; "
                    + (feeds.isEmpty() ? "no feed is configured (see the start-up log)" : "feeds: " + String.join(", ", feeds.keySet())));
        }
        if (account != null && !feed.accounts().contains(account)) {
            throw new BadTriggerException(feed.accounts().isEmpty()
                    ? "feed '" + name + "' has no accounts; send it without \"account\""
                    : "account '" + account + "' is not polled by '" + name + "'; YAMPI_ACCOUNT_IDS has "
                            + String.join(", ", feed.accounts()));
        }
        Semaphore lock = locks.computeIfAbsent(name, n -> new Semaphore(1));
        if (!lock.tryAcquire()) {
            LOG.info("{} ({}): waiting for the run under way to end", name, trigger);
            lock.acquire();
        }
        FeedLock.Held acrossNodes;
        try {
            acrossNodes = clusterLock.acquire(name,
                    () -> LOG.info("{} ({}): waiting for the run under way on another node to end", name, trigger));
        } catch (InterruptedException | RuntimeException e) {
            lock.release();
            throw e;
        }
        exchange.setProperty(HOLDS_LOCK, true);
        exchange.setProperty(CLUSTER_LOCK, acrossNodes);
        exchange.setProperty(SyncReport.PROPERTY, new SyncReport(name, feed.tenant(), account, trigger, clock, progressEvery));
        exchange.setVariable(Tenants.VARIABLE, feed.tenant());
        exchange.setVariable(ENTRY, feed.entry());
        exchange.setVariable(RESOURCE, feed.resource());
        exchange.setVariable(ACCOUNTS, account != null ? account : String.join(",", feed.accounts()));
    }

    /** Ends the run: releases the feed, logs one line, and leaves the report (JSON) as the body. */
    public void end(Exchange exchange) throws JsonProcessingException {
        SyncReport report = SyncReport.of(exchange);
        if (Boolean.TRUE.equals(exchange.getProperty(HOLDS_LOCK))) {
            exchange.removeProperty(HOLDS_LOCK);
            FeedLock.Held acrossNodes = exchange.getProperty(CLUSTER_LOCK, FeedLock.Held.class);
            exchange.removeProperty(CLUSTER_LOCK);
            try {
                if (acrossNodes != null) {
                    acrossNodes.close();
                }
            } finally {
                locks.get(report.feed()).release();
            }
        }
        if (report == null) {
            return;
        }
        RuntimeException abandoned = report.abandoned();
        if (abandoned != null && report.sayAbandonOnce()) {
            // the delivery state went away on the walk's last page: said here, since no next page said it
            LOG.warn("{}: run ended: {}; the next run starts over and skips what was delivered", report.feed(),
                    abandoned.getMessage());
            report.error("run ended: " + abandoned.getMessage());
        }
        report.finish();
        finished.accept(report);
        String onNode = node == null ? "" : " (node " + node + ")";
        if (report.errorCount() > 0) {
            LOG.warn("{}{}", report.summary(), onNode);
        } else {
            LOG.info("{}{}", report.summary(), onNode);
        }
        Map<String, Object> answer = report.toMap();
        if (node != null) {
            answer.put("node", node);
        }
        exchange.getMessage().setBody(json.writeValueAsString(answer));
        exchange.getMessage().setHeader("SyncOutcome", report.errorCount() == 0 ? "ok" : "errors");
    }

    /** Called by the delivery routes once the downstream accepted a record. */
    public void delivered(Exchange exchange) {
        SyncReport report = SyncReport.of(exchange);
        if (report != null) {
            report.delivered(exchange.getVariable("recordKind", "record", String.class),
                    exchange.getVariable(DeliveryStateRepository.CHANGE, String.class));
        }
    }
}
