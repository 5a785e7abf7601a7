package org.yofacturoyampi.routes.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one run of a feed did: records delivered per kind, and the errors met. Kept in an exchange property, so the
 * split copies of the run's exchange add to the same report.
 */
public final class SyncReport {

    public static final String PROPERTY = "SyncReport";
    private static final Logger LOG = LoggerFactory.getLogger(SyncReport.class);
    private static final int MAX_ERRORS = 20;

    private final String feed;
    private final String tenant;
    private final String account;
    private final String trigger;
    private final Clock clock;
    private final Instant started;
    private final Map<String, AtomicInteger> delivered = new ConcurrentSkipListMap<>();
    private final AtomicInteger pages = new AtomicInteger();
    private final AtomicInteger records = new AtomicInteger();
    private final AtomicInteger fresh = new AtomicInteger();
    private final AtomicInteger changed = new AtomicInteger();
    private final AtomicInteger deadLetters = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();
    private int errorCount;
    private volatile Duration took;
    private final Duration progressEvery;
    private volatile Instant lastProgress;
    private volatile RuntimeException abandoned;
    private boolean abandonSaid;

    SyncReport(String feed, String tenant, String account, String trigger, Clock clock, Duration progressEvery) {
        this.feed = feed;
        this.tenant = tenant;
        this.account = account;
        this.trigger = trigger;
        this.clock = clock;
        this.started = clock.instant();
        this.progressEvery = progressEvery;
        this.lastProgress = started;
    }

    /** The report of the run this exchange belongs to, or null outside a run. */
    public static SyncReport of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, SyncReport.class);
    }

    public static void error(Exchange exchange, String error) {
        SyncReport report = of(exchange);
        if (report != null) {
            report.error(error);
        }
    }

    /**
     * The run cannot go on (the delivery state or the downstream cannot be reached): the first reason is kept, and the walk ends at its
     * next page ({@link #abandoned()}).
     */
    public void abandon(RuntimeException why) {
        if (abandoned == null) {
            abandoned = why;
        }
    }

    /** True if {@code failure} is (or was caused by) the reason this run was abandoned for. */
    public boolean endedBy(Throwable failure) {
        RuntimeException reason = abandoned;
        for (Throwable t = failure; reason != null && t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t == reason) {
                return true;
            }
        }
        return false;
    }

    /** Why the run cannot go on, or null. */
    public RuntimeException abandoned() {
        return abandoned;
    }

    /** True the first time only: the reason the run was abandoned is said in one line, not once per account. */
    public synchronized boolean sayAbandonOnce() {
        boolean first = !abandonSaid;
        abandonSaid = true;
        return first;
    }

    /** A record went downstream; {@code change} is "new" or "changed" (null if unknown). */
    public void delivered(String kind, String change) {
        delivered.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        if ("new".equals(change)) {
            fresh.incrementAndGet();
        } else if ("changed".equals(change)) {
            changed.incrementAndGet();
        }
    }

    /** A page was read, holding this many records. A long walk says how far it got, at most every progressEvery. */
    public void page(int recordCount) {
        int read = pages.incrementAndGet();
        int seen = records.addAndGet(recordCount);
        Instant now = clock.instant();
        if (Duration.between(lastProgress, now).compareTo(progressEvery) >= 0) {
            lastProgress = now;
            LOG.info("{}: {} pages, {} records so far, {} delivered ({} new, {} changed)", feed, read, seen,
                    deliveredTotal(), fresh.get(), changed.get());
        }
    }

    public void deadLetter(String error) {
        deadLetters.incrementAndGet();
        error(error);
    }

    public synchronized void error(String error) {
        errorCount++;
        if (errors.size() < MAX_ERRORS) {
            errors.add(error);
        }
    }

    void finish() {
        took = Duration.between(started, clock.instant());
    }

    public String feed() {
        return feed;
    }

    public String tenant() {
        return tenant;
    }

    public Duration took() {
        return took == null ? Duration.ZERO : took;
    }

    public int pages() {
        return pages.get();
    }

    public int fresh() {
        return fresh.get();
    }

    public int changed() {
        return changed.get();
    }

    public int deadLetters() {
        return deadLetters.get();
    }

    public int deliveredTotal() {
        return delivered.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public synchronized int errorCount() {
        return errorCount;
    }

    /** The report as JSON-ready fields. */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feed", feed);
        m.put("tenant", tenant);
        if (account != null) {
            m.put("account", account);
        }
        m.put("trigger", trigger);
        m.put("started_at", started.toString());
        m.put("duration_ms", took == null ? null : took.toMillis());
        m.put("outcome", errorCount == 0 ? "ok" : "errors");
        m.put("pages", pages.get());
        m.put("records_read", records.get());
        m.put("delivered_total", deliveredTotal());
        m.put("new", fresh.get());
        m.put("changed", changed.get());
        m.put("dead_letters", deadLetters.get());
        Map<String, Integer> counts = new LinkedHashMap<>();
        delivered.forEach((kind, n) -> counts.put(kind, n.get()));
        m.put("delivered", counts);
        m.put("error_count", errorCount);
        m.put("errors", List.copyOf(errors));
        return m;
    }

    /**
     * One line, e.g. "yampi-contacts [account 1] (schedule): 3 pages, 40 records, 40 delivered (2 new, 1 changed),
     * 0 dead letters, 0 errors in 0.4 s".
     */
    public synchronized String summary() {
        StringBuilder s = new StringBuilder(feed);
        if (account != null) {
            s.append(" [account ").append(account).append(']');
        }
        s.append(" (").append(trigger).append("): ").append(pages.get()).append(pages.get() == 1 ? " page, " : " pages, ")
                .append(records.get()).append(" records, ").append(deliveredTotal()).append(" delivered (")
                .append(fresh.get()).append(" new, ").append(changed.get()).append(" changed)");
        if (delivered.size() > 1) {
            List<String> parts = new ArrayList<>();
            delivered.forEach((kind, n) -> parts.add(n.get() + " " + kind));
            s.append(" [").append(String.join(", ", parts)).append(']');
        }
        s.append(", ").append(deadLetters.get()).append(deadLetters.get() == 1 ? " dead letter, " : " dead letters, ")
                .append(errorCount).append(errorCount == 1 ? " error" : " errors");
        if (took != null) {
            s.append(String.format(" in %.1f s", took.toMillis() / 1000.0));
        }
        return s.toString();
    }
}
