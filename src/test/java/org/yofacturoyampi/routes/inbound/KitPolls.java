package org.yofacturoyampi.routes.inbound;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.support.ScheduledPollConsumer;
import org.awaitility.Awaitility;

/**
 * "Several more polls of an inbound folder went by", counted on a context the test kit made (as
 * {@code RunningApp.awaitPolls} counts them on a RunningApp): a poll that finds no file makes no exchange, so a
 * NotifyBuilder cannot count it; the folder's consumer counts every poll.
 */
final class KitPolls {

    private KitPolls() {
    }

    /** Waits, at most 20 s, until the route reading {@code folder} has polled it {@code polls} more times. */
    static void await(CamelContext context, Path folder, int polls) {
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
