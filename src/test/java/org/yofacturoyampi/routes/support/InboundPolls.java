package org.yofacturoyampi.routes.support;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.support.ScheduledPollConsumer;
import org.awaitility.Awaitility;

/**
 * "Several more polls of an inbound folder went by", counted rather than slept, on a RunningApp's context or one the
 * test kit made: a poll that finds no file makes no exchange, so a NotifyBuilder cannot count it; the folder's consumer
 * counts every poll. A poll that takes a file returns once the file's exchange is done, so the counted polls come
 * after it.
 */
public final class InboundPolls {

    private InboundPolls() {
    }

    /** Waits, at most 20 s, until the route reading {@code folder} has polled it {@code polls} more times. */
    public static void await(CamelContext context, Path folder, int polls) {
        Path wanted = folder.toAbsolutePath().normalize();
        ScheduledPollConsumer consumer = context.getRoutes().stream().map(Route::getConsumer)
                .filter(c -> c instanceof ScheduledPollConsumer && c.getEndpoint() instanceof FileEndpoint file
                        && file.getFile().toPath().toAbsolutePath().normalize().equals(wanted))
                .map(ScheduledPollConsumer.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no route polls " + folder));
        long until = consumer.getCounter() + polls;
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> consumer.getCounter() >= until);
    }
}
