package org.yofacturoyampi.routes.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Before an inbound Kafka record is left for later: a pause of {@code inbound.poll-delay}. A file left for later waits
 * for the next look at its folder; a Kafka record is read again at once (camel-kafka's breakOnFirstError seeks back to
 * it), so without this pause a record that cannot be sent yet (no session, the API down) would be tried in a tight loop,
 * one WARN line each time. The pause runs on the consumer's own thread, far below Kafka's max.poll.interval.ms.
 */
public final class InboundRetryPause implements Processor {

    private final long millis;

    public InboundRetryPause(long millis) {
        this.millis = millis;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        if (millis > 0 && InboundSource.isKafka(exchange)) {
            Thread.sleep(millis);
        }
    }
}
