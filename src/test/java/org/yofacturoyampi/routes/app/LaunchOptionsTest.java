package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.RunningApp;

class LaunchOptionsTest {

    @TempDir
    Path work;

    @Test
    void withoutArgumentsItLoadsConfigApplicationProperties() {
        assertThat(LaunchOptions.parse().configFiles()).containsExactly("config/application.properties");
        assertThat(LaunchOptions.parse().sandbox()).isFalse();
    }

    @Test
    void sandboxAddsTheSandboxProfileAfterTheDefaults() {
        LaunchOptions options = LaunchOptions.parse("--sandbox");
        assertThat(options.sandbox()).isTrue();
        assertThat(options.configFiles())
                .containsExactly("config/application.properties", "config/application-sandbox.properties");
    }

    @Test
    void anUnknownOptionIsRefusedWithTheUsage() {
        assertThatThrownBy(() -> LaunchOptions.parse("--sandbx"))
                .hasMessageContaining("unknown option '--sandbx'").hasMessageContaining("usage:");
        assertThatThrownBy(() -> LaunchOptions.parse("--config"))
                .hasMessageContaining("--config needs a value");
    }

    @Test
    void aLaterConfigFileWinsOverAnEarlierOne() throws Exception {
        // given two files setting the same key
        Path first = Files.writeString(work.resolve("first.properties"), "greeting = first\nonly-first = yes\n");
        Path second = Files.writeString(work.resolve("second.properties"), "greeting = second\n");

        // when the runtime starts with both, in that order (no HTTP server, no credential, whatever the environment says)
        Main main = RunningApp.builder(work).property("camel.server.enabled", "false")
                .create("--config", "config/application.properties",
                        "--config", first.toString(), "--config", second.toString(),
                        "--routes", "file:" + work + "/no-routes-*.yaml");
        main.start();
        try {
            // then the second file's value is used, and the first still supplies what only it has
            assertThat(main.getCamelContext().resolvePropertyPlaceholders("{{greeting}}")).isEqualTo("second");
            assertThat(main.getCamelContext().resolvePropertyPlaceholders("{{only-first}}")).isEqualTo("yes");
        } finally {
            main.stop();
        }
    }
}
