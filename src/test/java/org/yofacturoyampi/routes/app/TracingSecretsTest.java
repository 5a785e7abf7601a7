package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/**
 * CAMEL_MAIN_TRACING=true prints every exchange at every step: never a credential of either API. On Camel's test kit
 * ({@link CamelMainTest}): the real app with {@code camel.main.tracing=true} against both APIs on one sandbox, the log
 * captured from before the context starts (the start-up's session call is traced too).
 */
@CamelMainTest
class TracingSecretsTest extends SharedAppContext {

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(3).invoicesPerBatch(1).build();
    private final Sandbox sandbox = upstream(Sandbox.start(settings));
    private final LogCapture log = LogCapture.start();

    @Configure
    void theAppTracingBothApis(MainConfigurationProperties main) {
        // given both APIs on one sandbox, with tracing on
        RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "account,teams")
                .property("camel.main.tracing", "true").configure(main);
    }

    @AfterAll
    void stopCapturing() {
        log.close();
    }

    @Test
    void withTracingOnNoApiKeySessionTokenNorYampiTokenIsLogged() throws Exception {
        // when every feed of both APIs runs once (the session created on the way)
        List<String> feeds = context.getRegistry().lookupByNameAndType("feedRuns", FeedRuns.class).feedNames();
        for (String feed : feeds) {
            context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed", feed);
        }

        // and an exchange holding every credential is printed by a log endpoint and a log EIP showing all
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:peek").routeId("peek").log("peek EIP ${headers} ${body}")
                        .to("log:peek?showHeaders=true&showBody=true&showProperties=true");
            }
        });
        context.createProducerTemplate().sendBodyAndHeaders("direct:peek",
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
