package org.yofacturoyampi.routes.support;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A context of the application on Camel's test kit for each test (the kit's default): a {@code @CamelMainTest} class,
 * or a {@code @Nested} class of one, extends this and gives the configuration in a {@code @Configure} method, with
 * {@link #work} as the app's folder; its upstreams are declared with {@link #upstream} and closed after each test, once
 * the app stopped. Tests that can share one context extend {@link SharedAppContext} instead.
 */
public abstract class AppContextPerTest extends KitAppContext {

    /** The app's folder for this test. */
    @TempDir
    protected Path work;

    @AfterEach
    protected final void stopAfterTheTest() throws Exception {
        stopTheAppThenItsUpstreams();
    }
}
