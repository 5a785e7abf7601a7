package org.yofacturoyampi.routes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultRegistry;
import org.junit.jupiter.api.Test;

/** The shared HTTP error handling runs the step of the API the exchange variable 'api' names, and no other. */
class PerApiTest {

    private final List<String> ran = new ArrayList<>();
    private final DefaultRegistry registry = new DefaultRegistry();
    private final DefaultCamelContext context = new DefaultCamelContext();

    PerApiTest() {
        registry.bind("yofacturoRateLimitWait", (Processor) e -> ran.add("yofacturo"));
        registry.bind("yampiRateLimitWait", (Processor) e -> ran.add("yampi"));
    }

    private Exchange callTo(String api) {
        Exchange exchange = new DefaultExchange(context);
        if (api != null) {
            exchange.setVariable(PerApi.VARIABLE, api);
        }
        return exchange;
    }

    @Test
    void runsTheBeanOfTheApiTheVariableNames() throws Exception {
        PerApi wait = new PerApi(registry, "RateLimitWait");

        wait.process(callTo("yampi"));
        wait.process(callTo("yofacturo"));

        assertThat(ran).containsExactly("yampi", "yofacturo");
    }

    @Test
    void failsSayingWhatIsMissingRatherThanGuessingTheApi() {
        PerApi wait = new PerApi(registry, "RateLimitWait");

        assertThatThrownBy(() -> wait.process(callTo(null))).hasMessageContaining("'api'");
        assertThatThrownBy(() -> wait.process(callTo("other"))).hasMessageContaining("otherRateLimitWait");
        assertThat(ran).isEmpty();
    }
}
