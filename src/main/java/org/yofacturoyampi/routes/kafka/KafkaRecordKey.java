package org.yofacturoyampi.routes.kafka;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.processor.InterceptSendToEndpointCallback;
import org.yofacturoyampi.routes.delivery.RecordKey;
import org.yofacturoyampi.routes.tenant.Tenants;

/**
 * A record sent to a Kafka topic is keyed by its id, the one its delivery state uses (exchange variable
 * {@value RecordKey#RECORD_ID}: {@code 1234}, {@code 1234/77} for an invoice of batch 1234, {@code contacts/1/42} for
 * a Yampi record), so a compacted topic keeps each record's latest version and one record's versions stay in order
 * (one partition). With several tenants the key starts with the tenant's id ({@code acme/1234}), as their records
 * share the topics. A message that is not a record (a submission's answer) gets no key.
 * <p>
 * Applied to every send to a {@code kafka:} endpoint, whatever route sends it, the way Camel's interceptSendToEndpoint
 * does; the header is removed once sent, so a sink after it (the alerts, say) never sees it.
 */
public final class KafkaRecordKey implements Processor {

    /** Keys every message any route sends to a kafka: endpoint of this context. */
    public static void applyTo(CamelContext context) {
        context.getCamelContextExtension().registerEndpointCallback(new InterceptSendToEndpointCallback(context,
                new KafkaRecordKey(), exchange -> exchange.getMessage().removeHeader(KafkaConstants.KEY), "kafka:*",
                false, null));
    }

    @Override
    public void process(Exchange exchange) {
        Object id = exchange.getVariable(RecordKey.RECORD_ID);
        if (id == null) {
            return;
        }
        String tenant = Tenants.idOf(exchange);
        exchange.getMessage().setHeader(KafkaConstants.KEY,
                tenant == null || Tenants.DEFAULT.equals(tenant) ? id.toString() : tenant + "/" + id);
    }
}
