package org.yofacturoyampi.routes.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.app.Application;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/** An OutOfMemoryError ends the process (so a supervisor restarts it) instead of leaving it half alive. */
@Tag("processes")
class OutOfMemoryIT {

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    /** A downstream that runs out of memory. */
    public static final class RunsOutOfMemory {
        public void take(String body) {
            throw new OutOfMemoryError("Java heap space (test)");
        }
    }

    @Test
    void anOutOfMemoryErrorDuringARunEndsTheProcessWithOneLineAndStatus3() throws Exception {
        // given the app as its own process (without -XX:+ExitOnOutOfMemoryError), whose batch downstream runs out of memory
        yofacturo.listsBatches(YoFacturoStub.batches(2));
        ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Application.class.getName(), "--once")
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(work.resolve("stderr.txt").toFile());
        Map<String, String> env = launch.environment();
        env.keySet().removeIf(k -> k.startsWith("YOFACTURO_") || k.startsWith("YAMPI_") || k.startsWith("SERVER_"));
        env.put("YOFACTURO_BASE_URL", yofacturo.baseUrl());
        env.put("YOFACTURO_API_KEY", YoFacturoStub.API_KEY);
        env.put("YOFACTURO_TENANTS", "");
        env.put("YAMPI_API_TOKEN", "");
        env.put("YAMPI_TENANTS", "");
        env.put("OUTPUT_DIR", work.resolve("out").toString());
        env.put("STATE_DIR", work.resolve("state").toString());
        env.put("INPUT_DIR", work.resolve("in").toString());
        env.put("YOFACTURO_INVOICE_BATCHES_TO", "class:" + RunsOutOfMemory.class.getName() + "?method=take");

        // when it runs once
        Process app = launch.start();
        boolean ended = app.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            app.destroyForcibly();
        }

        // then it ended with status 3 and one line saying why
        assertThat(ended).isTrue();
        String stderr = Files.readString(work.resolve("stderr.txt"));
        assertThat(app.exitValue()).as("exit status; stderr: %s", stderr).isEqualTo(3);
        assertThat(stderr.lines().filter(l -> l.startsWith("out of memory"))).hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("-XX:+ExitOnOutOfMemoryError"));
    }
}
