package org.yofacturoyampi.routes.app;

import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * The Camel context of the camel-main it listens to, once there is one: for what is made before the context and looks
 * into it later ({@code FeedMetrics}), whether a {@code Main} or camel-test-main-junit5 makes the context.
 */
final class MainContext extends MainListenerSupport implements Supplier<CamelContext> {

    private volatile CamelContext context;

    @Override
    public void beforeInitialize(BaseMainSupport main) {
        context = main.getCamelContext();
    }

    @Override
    public CamelContext get() {
        return context;
    }
}
