package org.yofacturoyampi.routes.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.yofacturoyampi.routes.Settings;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * How many times each inbound message has failed for a passing reason, across polls (neither Camel's file consumer nor
 * Kafka keeps such a count): once {@code max} attempts failed, the route files it with its errors instead of leaving it
 * for the next poll. A message is known by its {@link InboundSource} name: a file by its path and modification time, so
 * a new file of the same name starts from zero; a Kafka record by its topic, partition and offset, read again after each
 * failure. Counts live in memory (a restart counts anew) and are forgotten once the message is done. A message from
 * another broker is not counted here: the broker's own redelivery limit and dead-letter queue do that.
 */
public final class InboundAttempts {

    /** The exchange variable holding how many attempts of this message failed, set by {@link #count(Exchange)}. */
    public static final String FAILED = "failedAttempts";
    /** The exchange variable saying that attempt was the last one allowed, set by {@link #count(Exchange)}. */
    public static final String EXHAUSTED = RouteVariables.ATTEMPTS_EXHAUSTED;

    private final int max;
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    /** @param max failed attempts after which a file goes to the errors; 0: no limit */
    public InboundAttempts(int max) {
        this.max = max;
    }

    /** The limit the setting {@code key} gives: a whole number, 0 meaning none. */
    public static InboundAttempts of(Settings settings, String key) {
        return new InboundAttempts(settings.wholeInt(key, 0, Integer.MAX_VALUE,
                "a whole number of attempts, such as 3 (0: no limit)"));
    }

    /**
     * Counts the attempt that just failed: variables {@value #FAILED} (how many so far) and {@value #EXHAUSTED}
     * (whether that was the last one allowed; never for a message that is neither a file nor a Kafka record, nor
     * without a limit).
     */
    public void count(Exchange exchange) {
        String key = keyOf(exchange);
        int failed = key == null ? 1 : failures.merge(key, 1, Integer::sum);
        boolean exhausted = key != null && max > 0 && failed >= max;
        if (exhausted) {
            failures.remove(key);
        }
        exchange.setVariable(FAILED, failed);
        exchange.setVariable(EXHAUSTED, exhausted);
    }

    /** The file is done (sent, or filed with the errors): its count goes. */
    public void forget(Exchange exchange) {
        String key = keyOf(exchange);
        if (key != null) {
            failures.remove(key);
        }
    }

    private static String keyOf(Exchange exchange) {
        String named = InboundSource.nameOf(exchange);
        return named != null ? named : InboundSource.of(exchange);
    }
}
