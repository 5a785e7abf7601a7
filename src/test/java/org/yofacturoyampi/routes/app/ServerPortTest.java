package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.support.RunningApp;

class ServerPortTest {

    @TempDir
    Path work;

    @Test
    void aServerPortAlreadyTakenStopsStartUpWithOneLineNamingServerPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                    .property("server.port", String.valueOf(taken.getLocalPort())).start().close());

            Throwable t = thrown;
            while (t != null && !(t instanceof ConfigurationException)) {
                t = t.getCause();
            }
            assertThat(t).as("a configuration error").isNotNull();
            assertThat(t.getMessage()).contains("SERVER_PORT " + taken.getLocalPort(), "free port").doesNotContain("\n");
        }
    }
}
