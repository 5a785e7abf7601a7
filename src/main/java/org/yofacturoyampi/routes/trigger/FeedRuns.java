package org.yofacturoyampi.routes.trigger;

import static org.yofacturoyampi.routes.RouteVariables.RECORD_KIND;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.OutOfMemoryExit;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.UntrustedText;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * The feeds that can be run, and their runs: the route {@code sync} (routes/sync.yaml) calls {@link #begin} and
 * {@link #end} around every run, scheduled or triggered. A feed runs once at a time: a run asked for while another
 * run of the same feed is under way waits for it to end, then runs; in cluster mode also when that run is on another
 * node ({@link FeedLock}). An HTTP request does not wait: it {@link #join}s the run of that feed queued or under
 * way, or queues one, and asks for its {@link #report} later.
 */
public final class FeedRuns {

    public static final String ACCOUNT = "SyncAccount";
    /** Exchange variables the feed's walk route reads. */
    public static final String ENTRY = RouteVariables.FEED_ENTRY;
    public static final String ACCOUNTS = RouteVariables.ACCOUNT_IDS;
    public static final String RESOURCE = RouteVariables.RESOURCE;

    private static final Logger LOG = LoggerFactory.getLogger(FeedRuns.class);
    private static final String HOLDS_LOCK = "SyncHoldsFeedLock";
    /** The id of a run: set by a request that starts one (header), else made in begin; kept as exchange property. */
    public static final String RUN_ID = "SyncRunId";
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    private static final String CLUSTER_LOCK = "SyncClusterFeedLock";

    public record Feed(String name, String entry, String tenant, String resource, List<String> accounts) {
    }

    /** The id of the latest run queued or under way, per feed and account ("" for all); guards reports too. */
    private final Map<String, String> runs = new HashMap<>();
    /** Runs asked for by requests: "queued", "running" or the report once done; the oldest go beyond keptReports. */
    private final Map<String, String> reports = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > keptReports;
        }
    };
    private volatile int keptReports = 100;
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
        String name = exchange.getMessage().getHeader(RouteHeaders.SYNC_FEED, String.class);
        String account = exchange.getMessage().getHeader(ACCOUNT, String.class);
        String trigger = exchange.getMessage().getHeader(RouteHeaders.SYNC_TRIGGER, "direct", String.class);
        Feed feed = check(name, account);
        String runId = exchange.getMessage().getHeader(RUN_ID, String.class);
        String id = runId != null ? runId : UUID.randomUUID().toString();
        exchange.setProperty(RUN_ID, id);
        synchronized (runs) {
            runs.put(runKey(name, account), id);
            reports.computeIfPresent(id, (k, state) -> RUNNING);
        }
        Semaphore lock = locks.computeIfAbsent(name, n -> new Semaphore(1));
        if (!lock.tryAcquire()) {
            LOG.info("{} ({}): waiting for the run under way to end", name, trigger);
            try {
                lock.acquire();
            } catch (InterruptedException e) {
                synchronized (runs) {
                    runs.remove(runKey(name, account), id);
                }
                throw e;
            }
        }
        FeedLock.Held acrossNodes;
        try {
            acrossNodes = clusterLock.acquire(name,
                    () -> LOG.info("{} ({}): waiting for the run under way on another node to end", name, trigger));
        } catch (InterruptedException | RuntimeException e) {
            lock.release();
            synchronized (runs) {
                runs.remove(runKey(name, account), id);
            }
            throw e;
        }
        // the locks themselves, so end() releases them whatever else is missing; released here if the run cannot begin
        exchange.setProperty(HOLDS_LOCK, lock);
        exchange.setProperty(CLUSTER_LOCK, acrossNodes);
        try {
            exchange.setProperty(SyncReport.PROPERTY, new SyncReport(name, feed.tenant(), account, trigger, clock, progressEvery));
            exchange.setVariable(Tenants.VARIABLE, feed.tenant());
            exchange.setVariable(ENTRY, feed.entry());
            exchange.setVariable(RESOURCE, feed.resource());
            exchange.setVariable(ACCOUNTS, account != null ? account : String.join(",", feed.accounts()));
        } catch (Throwable failure) {
            exchange.removeProperty(HOLDS_LOCK);
            exchange.removeProperty(CLUSTER_LOCK);
            try {
                acrossNodes.close();
            } finally {
                lock.release();
            }
            synchronized (runs) {
                runs.remove(runKey(name, account), id);
            }
            throw failure;
        }
    }

    /** The feed a trigger names, if it can run (and for this account, if one is named); else why not. */
    public Feed check(String name, String account) {
        Feed feed = name == null ? null : feeds.get(name);
        if (feed == null) {
            throw new BadTriggerException("unknown feed '" + UntrustedText.echo(name) + "'; "
                    + (feeds.isEmpty() ? "no feed is configured (see the start-up log)" : "feeds: " + String.join(", ", feeds.keySet())));
        }
        if (account != null && !feed.accounts().contains(account)) {
            throw new BadTriggerException(feed.accounts().isEmpty()
                    ? "feed '" + name + "' has no accounts; send it without \"account\""
                    : "account '" + UntrustedText.echo(account) + "' is not polled by '" + name
                            + "' (the accounts polled are in YAMPI_ACCOUNT_IDS)");
        }
        return feed;
    }

    /**
     * The run of this feed (and account, or all its accounts) a request joins: the latest one queued or under way,
     * whatever started it; else a new one, whose id is given to {@code start} (which must send it to direct:sync with
     * header SyncRunId). Either way its report is kept, for {@link #report}.
     */
    public Joined join(String name, String account, Consumer<String> start) {
        String key = runKey(name, account);
        String id;
        boolean joined;
        synchronized (runs) {
            String existing = runs.get(key);
            joined = existing != null;
            id = joined ? existing : UUID.randomUUID().toString();
            if (joined) {
                reports.putIfAbsent(id, RUNNING);
            } else {
                runs.put(key, id);
                reports.put(id, QUEUED);
            }
        }
        if (!joined) {
            try {
                start.accept(id);
            } catch (RuntimeException e) {
                synchronized (runs) {
                    runs.remove(key, id);
                    reports.remove(id);
                }
                throw e;
            }
        }
        return new Joined(id, joined);
    }

    /** A run asked for by a request: its id, and whether it was already queued or under way. */
    public record Joined(String id, boolean joined) {
    }

    /**
     * The report of a run a request started or joined: "queued" or "running" while it is not done, its report (JSON)
     * once done, empty if unknown (or one of the oldest, beyond the reports kept).
     */
    public Optional<String> report(String id) {
        synchronized (runs) {
            return Optional.ofNullable(reports.get(id));
        }
    }

    /** How many reports of runs asked for by requests are kept (triggers.kept-reports); the oldest go first. */
    public void keepReports(int count) {
        this.keptReports = count;
    }

    private static String runKey(String feed, String account) {
        return feed + '\n' + (account == null ? "" : account);
    }

    /** Ends the run: releases the feed, logs one line, and leaves the report (JSON) as the body. */
    public void end(Exchange exchange) throws JsonProcessingException {
        String id = exchange.getProperty(RUN_ID, String.class);
        Semaphore held = exchange.getProperty(HOLDS_LOCK, Semaphore.class);
        if (held != null) {
            exchange.removeProperty(HOLDS_LOCK);
            FeedLock.Held acrossNodes = exchange.getProperty(CLUSTER_LOCK, FeedLock.Held.class);
            exchange.removeProperty(CLUSTER_LOCK);
            try {
                if (acrossNodes != null) {
                    acrossNodes.close();
                }
            } catch (DeliveryStateUnavailableException marksWaiting) {
                // the marks of records this run delivered could not be written before the end: the run says it once
                SyncReport run = SyncReport.of(exchange);
                if (run != null) {
                    run.abandon(marksWaiting);
                }
            } finally {
                held.release();
            }
        }
        OutOfMemoryExit.ifOutOfMemory(exchange.getException());
        SyncReport report = SyncReport.of(exchange);
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
        Map<String, Object> fields = report.toMap();
        if (node != null) {
            fields.put("node", node);
        }
        String body = json.writeValueAsString(fields);
        synchronized (runs) {
            runs.remove(runKey(report.feed(), (String) fields.get("account")), id);
            if (reports.containsKey(id)) {
                Map<String, Object> withId = new LinkedHashMap<>();
                withId.put("run", id);
                withId.putAll(fields);
                reports.put(id, json.writeValueAsString(withId));
            }
        }
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader(RouteHeaders.SYNC_OUTCOME, report.errorCount() == 0 ? "ok" : "errors");
    }

    /** Called by the delivery routes once the downstream accepted a record. */
    public void delivered(Exchange exchange) {
        SyncReport report = SyncReport.of(exchange);
        if (report != null) {
            report.delivered(exchange.getVariable(RECORD_KIND, "record", String.class),
                    exchange.getVariable(DeliveryStateRepository.CHANGE, String.class));
        }
    }
}
