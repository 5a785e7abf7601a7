package org.yofacturoyampi.routes.app;

import org.apache.camel.main.Main;

/** {@code --sandbox}: starts the simulator of both APIs and points the routes at it. */
final class SandboxMode {

    private SandboxMode() {
    }

    static void install(Main main) {
        throw new UnsupportedOperationException("sandbox mode is not available yet");
    }
}
