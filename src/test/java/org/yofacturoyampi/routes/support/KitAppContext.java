package org.yofacturoyampi.routes.support;

import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;

/**
 * The application context a test gets from Camel's test kit, and what that app talks to (sandbox, stubs, a downstream
 * server, a log capture), closed once the app has stopped: a poll under way would otherwise retry against a closed
 * upstream, and shutdown wait for it. A test extends one of its two lifetimes: {@link AppContextPerTest} or
 * {@link SharedAppContext}.
 */
public abstract class KitAppContext {

    @BeanInject
    protected CamelContext context;

    private final List<AutoCloseable> upstreams = new ArrayList<>();

    KitAppContext() {
    }

    /** An upstream of the app, closed once the app has stopped. */
    protected final <T extends AutoCloseable> T upstream(T upstream) {
        upstreams.add(upstream);
        return upstream;
    }

    /** A WireMock upstream of the app, stopped once the app has stopped. */
    protected final WireMockServer upstream(WireMockServer stub) {
        upstreams.add(stub::stop);
        return stub;
    }

    /** Stops the app, then closes its upstreams in the order they were declared. */
    final void stopTheAppThenItsUpstreams() throws Exception {
        context.stop();
        for (AutoCloseable upstream : upstreams) {
            upstream.close();
        }
        upstreams.clear();
    }
}
