package org.yofacturoyampi.routes.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The key a record sent to a kafka: endpoint gets: its delivery state's id, with the tenant before it when several. */
class KafkaRecordKeyTest {

    private final KafkaRecordKey key = new KafkaRecordKey();

    private static Exchange record(String tenant, String recordId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable("tenant", tenant);
        exchange.setVariable("recordId", recordId);
        return exchange;
    }

    @Test
    void aRecordOfTheOnlyTenantIsKeyedByItsId() {
        Exchange exchange = record("default", "1234/77");
        key.process(exchange);
        assertThat(exchange.getMessage().getHeader(KafkaConstants.KEY)).isEqualTo("1234/77");
    }

    @Test
    void aRecordOfOneOfSeveralTenantsIsKeyedByTheTenantAndItsId() {
        // the same id in two organisations: two records, two keys in a shared compacted topic
        Exchange acme = record("acme", "1234");
        Exchange globex = record("globex", "1234");
        key.process(acme);
        key.process(globex);
        assertThat(acme.getMessage().getHeader(KafkaConstants.KEY)).isEqualTo("acme/1234");
        assertThat(globex.getMessage().getHeader(KafkaConstants.KEY)).isEqualTo("globex/1234");
    }

    @Test
    void aMessageThatIsNotARecordGetsNoKey() {
        Exchange answer = new DefaultExchange(new DefaultCamelContext());
        key.process(answer);
        assertThat(answer.getMessage().getHeader(KafkaConstants.KEY)).isNull();
    }
}
