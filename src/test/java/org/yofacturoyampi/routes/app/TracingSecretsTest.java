package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.camel.builder.RouteBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/** CAMEL_MAIN_TRACING=true prints every exchange at every step: never a credential of either API. */
class TracingSecretsTest {

    @TempDir
    Path work;

    @Test
    void withTracingOnNoApiKeySessionTokenNorYampiTokenIsLogged() throws Exception {
        // given both APIs on one sandbox, with tracing on
        SandboxSettings settings = SandboxSettings.builder().batchCount(3).invoicesPerBatch(1).build();
        try (Sandbox sandbox = Sandbox.start(settings); LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                     .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                     .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "account,teams")
                     .property("camel.main.tracing", "true").start()) {

            // when every feed of both APIs runs once (the session created on the way)
            List<String> feeds = app.bean("feedRuns", FeedRuns.class).feedNames();
            for (String feed : feeds) {
                app.context().createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed", feed);
            }

            // and an exchange holding every credential is printed by a log endpoint and a log EIP showing all
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:peek").routeId("peek").log("peek EIP ${headers} ${body}")
                            .to("log:peek?showHeaders=true&showBody=true&showProperties=true");
                }
            });
            app.context().createProducerTemplate().sendBodyAndHeaders("direct:peek",
                    "{\"api_key\": \"" + settings.yofacturoApiKey() + "\", \"session_token\": \"sbx_session_0000feed0000\"}",
                    Map.of("api_access_token", settings.yampiUserToken(), "Authorization", "Bearer sbx_session_0000beef0000"));

            // then the tracer printed the exchanges, the sessions call among them ...
            String all = log.all();
            assertThat(all).contains("peek EIP").contains("/api/v1/auth/sessions").contains("/api/v1/accounts/1/teams");
            assertThat(sandbox.yofacturo().sessionCalls()).isEqualTo(1);
            // ... and no credential: not the api key, not the session token, not the Yampi token
            assertThat(all).doesNotContain(settings.yofacturoApiKey())
                    .doesNotContain(settings.yampiUserToken())
                    .doesNotContainPattern("sbx_session_[0-9a-f]{8}").doesNotContain("sbx_session_0000");
        }
    }
}
