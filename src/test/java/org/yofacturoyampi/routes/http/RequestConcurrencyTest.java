package org.yofacturoyampi.routes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool of the splits that walk side by side (RequestConcurrency.registerPool), with no route and no HTTP. */
class RequestConcurrencyTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private ExecutorService pool;

    @AfterEach
    void stop() throws Exception {
        if (pool != null) {
            pool.shutdownNow();
        }
        context.close();
    }

    @Test
    void aBusyPoolQueuesTheNextRecordInsteadOfRunningItOnTheThreadThatHandsItOver() throws Exception {
        // given the pool of one tenant at concurrency 1, its one thread busy
        RequestConcurrency.registerPool(context, "requests", 1, 1);
        pool = context.getExecutorServiceManager().newThreadPool(this, "walk", "requests");
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> {
            busy.countDown();
            return release.await(10, TimeUnit.SECONDS);
        });
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

        // when the next record is handed over
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        pool.submit(() -> ranOn.set(Thread.currentThread()));

        // then it waits in the queue (with a hand-over queue, Camel's CallerRuns ran it at once, on the handing
        // thread: inside the stack of a thread that may hold the tenant's only request slot, which hung the sync)
        assertThat(ranOn.get()).as("the thread that ran the next record, before the pool had a free thread").isNull();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.get() != null);
        assertThat(ranOn.get()).isNotEqualTo(Thread.currentThread());
    }

    @Test
    void thePoolHasTheConcurrencyOfEachConfiguredTenant() {
        // given two tenants at concurrency 3
        RequestConcurrency.registerPool(context, "requests", 3, 2);

        // then the pool has six threads at most
        assertThat(context.getExecutorServiceManager().getThreadPoolProfile("requests").getMaxPoolSize()).isEqualTo(6);
    }
}
