package org.yofacturoyampi.routes.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that share one configuration share one application context on Camel's test kit: a {@code @CamelMainTest}
 * class, or a {@code @Nested} class of one, extends this and gives the configuration in a {@code @Configure} method,
 * with {@link #work} as the app's folder. Its upstreams (sandbox, stubs) are declared with {@link #upstream} and closed
 * after the app stopped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SharedAppContext {

    /** The app's folder for the whole context (a {@code @TempDir} field would be made again for each test). */
    protected Path work;

    @BeanInject
    protected CamelContext context;

    private final List<AutoCloseable> upstreams = new ArrayList<>();

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

    @BeforeAll
    protected final void aFolderForTheContext(@TempDir Path folder) {
        work = folder;
    }

    @AfterAll
    protected final void stopTheAppThenItsUpstreams() throws Exception {
        // the app first: a poll under way would retry against a closed upstream, and shutdown wait for it
        context.stop();
        for (AutoCloseable upstream : upstreams) {
            upstream.close();
        }
    }
}
