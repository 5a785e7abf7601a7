package org.yofacturoyampi.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.NodeProcess;
import org.yofacturoyampi.routes.support.TestDatabase;

/** kill -9 of the app (a JVM of its own) mid-sync into tables, then a restart (logs: target/table-sink). */
@Tag("database")
@Tag("processes")
class TableSinkCrashIT {

    private static final int BATCHES = 3000;

    @TempDir
    Path work;

    @Test
    void afterKillMinus9AndARestartEveryRecordHasExactlyOneRowAndNoneWasAppliedTwice() throws Exception {
        SandboxSettings sandboxSettings = SandboxSettings.builder().batchCount(BATCHES).invoicesPerBatch(1).build();
        try (TestDatabase db = TestDatabase.create(); Sandbox sandbox = Sandbox.start(sandboxSettings)) {
            Map<String, String> settings = new HashMap<>();
            settings.put("yofacturo.base-url", sandbox.baseUrl());
            settings.put("yofacturo.api-key", sandboxSettings.yofacturoApiKey());
            settings.put("yofacturo.poll-cron", "0/2 * * * * ?");
            settings.put("yofacturo.session-cron", "0 0 0 1 1 ? 2099");
            settings.put("sink.database-url", db.url());
            settings.put("sink.database-user", db.user());

            // given a sync under way into the tables
            NodeProcess first = NodeProcess.start("first", work.resolve("node"), settings);
            try {
                // (the tables exist once the node migrated its database)
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                        .until(() -> db.count("SELECT count(*) FROM yofacturo_batch_invoices") >= 300);

                // when the app is killed with SIGKILL
                first.kill();
            } finally {
                keepLog(first);
                first.kill();
            }
            long batchesAtKill = db.count("SELECT count(*) FROM yofacturo_invoice_batches");
            long invoicesAtKill = db.count("SELECT count(*) FROM yofacturo_batch_invoices");
            assertThat(batchesAtKill).isLessThan(BATCHES);
            // a page of batches and their invoices commit together: each batch in its table has its invoice there
            assertThat(invoicesAtKill).isEqualTo(batchesAtKill);

            // and started again on the same tables (and state folder)
            try (NodeProcess second = NodeProcess.start("second", work.resolve("node"), settings)) {
                try {
                    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> db.count("SELECT count(*) FROM yofacturo_invoice_batches") == BATCHES);
                } finally {
                    keepLog(second);
                }
            }

            // then every record has one row: none lost, none twice (the key is the record's), none applied twice
            assertThat(db.count("SELECT count(*) FROM yofacturo_batch_invoices")).isEqualTo(BATCHES);
            assertThat(db.count("SELECT coalesce(sum(changes), 0) FROM yofacturo_invoice_batches")).isZero();
            assertThat(db.count("SELECT coalesce(sum(changes), 0) FROM yofacturo_batch_invoices")).isZero();
            // and every batch in the table has its invoice there: a batch is written only after its invoices
            assertThat(db.count("SELECT count(*) FROM yofacturo_invoice_batches b WHERE NOT EXISTS (SELECT 1 FROM"
                    + " yofacturo_batch_invoices i WHERE i.parent_id = b.id)")).isZero();
        }
    }

    private static void keepLog(NodeProcess node) throws Exception {
        Path logs = Path.of("target", "table-sink");
        Files.createDirectories(logs);
        if (Files.exists(node.log())) {
            Files.copy(node.log(), logs.resolve(node.name() + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
