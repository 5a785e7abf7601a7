package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

/** In cluster mode the schedules live in Quartz's clustered JDBC JobStore on the cluster's database. */
@Tag("database")
class ClusteredScheduleIT {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);

    private RunningApp.Builder node(TestDatabase db) {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.resources", "contacts,teams")
                .clusterDatabase(db);
    }

    private static Scheduler scheduler(RunningApp app) throws Exception {
        return app.context().getComponent("quartz", QuartzComponent.class).getScheduler();
    }

    @Test
    void theSchedulerIsQuartzsClusteredJdbcJobStoreAndTheFeedsRunFromIt() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = node(db).start()) {
            Scheduler scheduler = scheduler(app);
            assertThat(scheduler.getMetaData().isJobStoreClustered()).isTrue();
            assertThat(scheduler.getMetaData().getJobStoreClass()).isEqualTo(JobStoreTX.class);

            // the every-second schedules fire from the database and walk the feeds
            await().atMost(Duration.ofSeconds(30)).until(() -> JsonFiles.in(work.resolve("out/yampi/1/contacts")) == 40
                    && JsonFiles.in(work.resolve("out/yampi/1/teams")) == 2);
            assertThat(db.count("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'yampi'")).isEqualTo(2);
            assertThat(db.count("SELECT count(*) FROM qrtz_scheduler_state")).isEqualTo(1);
        }
    }

    @Test
    void aFireTimeMissedWhileTheClusterWasDownRunsOnceNotOncePerMissedTime() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = node(db).start()) {
            assertThat(db.count("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'yampi' AND misfire_instr = "
                    + CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW)).isEqualTo(2);
            assertThat(db.count("SELECT count(*) FROM qrtz_job_details WHERE job_group = 'yampi' AND is_durable"
                    + " AND is_nonconcurrent AND requests_recovery")).isEqualTo(2);
        }
    }

    @Test
    void aNodeThatStopsLeavesTheSchedulesInTheDatabaseForTheOthers() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            node(db).start().close();

            assertThat(db.count("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'yampi'")).isEqualTo(2);
        }
    }
}
