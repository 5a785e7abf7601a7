package org.yofacturoyampi.routes.support;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that share one configuration share one application context on Camel's test kit: a {@code @CamelMainTest}
 * class, or a {@code @Nested} class of one, extends this and gives the configuration in a {@code @Configure} method,
 * with {@link #work} as the app's folder. Its upstreams (sandbox, stubs) are declared with {@link #upstream} and closed
 * after the app stopped, after the last test. Tests that need a context each extend {@link AppContextPerTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SharedAppContext extends KitAppContext {

    /** The app's folder for the whole context (a {@code @TempDir} field would be made again for each test). */
    protected Path work;

    @BeforeAll
    protected final void aFolderForTheContext(@TempDir Path folder) {
        work = folder;
    }

    @AfterAll
    protected final void stopAfterTheLastTest() throws Exception {
        stopTheAppThenItsUpstreams();
    }
}
