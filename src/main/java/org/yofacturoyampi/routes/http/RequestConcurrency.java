package org.yofacturoyampi.routes.http;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.yofacturoyampi.routes.Settings;

/**
 * How many requests one tenant may have in flight ({@code yofacturo.max-concurrent-requests},
 * {@code yampi.max-concurrent-requests}), and the thread pool profile of the split that walks side by side
 * (routes/yofacturo-invoice-batches.yaml: the batches of a page; routes/yampi.yaml: the accounts). The pool has that
 * many threads for each configured tenant, and {@link RequestSlots} keeps each tenant
 * to its own number of requests. The pool is shared by the tenants: the records of one tenant's page are queued
 * before the next tenant's, so tenants walking at the same moment take turns page by page.
 */
public final class RequestConcurrency {

    public static final int MAX = 64;

    private RequestConcurrency() {
    }

    /** The setting {@code key}, a whole number from 1 to {@value #MAX}; else a configuration error naming its variable. */
    public static int read(Settings settings, String key) {
        return settings.wholeInt(key, 1, MAX, "a whole number of requests from 1 to " + MAX + ", such as 4");
    }

    /**
     * Registers the thread pool profile {@code id} (named by a split's {@code executorService}): {@code perTenant}
     * threads for each of {@code tenants} tenants, a fixed pool; its queue holds at most one page of records.
     */
    public static void registerPool(CamelContext context, String id, int perTenant, int tenants) {
        int threads = perTenant * Math.max(1, tenants);
        ThreadPoolProfile profile = new ThreadPoolProfile(id);
        profile.setPoolSize(threads);
        profile.setMaxPoolSize(threads);
        // a queue that a split fills with at most the records of the page at hand. Not 0 or -1: Camel makes those a
        // hand-over queue, and with CallerRuns a busy pool then runs the next record on the thread that finished the
        // last one, inside its stack, deeper at every record: with one thread that thread came to wait for the
        // request slot that an outer frame of its own still held, and the sync hung (found by the benchmark at
        // concurrency 1)
        profile.setMaxQueueSize(Integer.MAX_VALUE);
        profile.setKeepAliveTime(60L);
        profile.setTimeUnit(TimeUnit.SECONDS);
        profile.setAllowCoreThreadTimeOut(true);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns);
        context.getExecutorServiceManager().registerThreadPoolProfile(profile);
    }
}
