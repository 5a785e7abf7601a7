package org.yofacturoyampi.routes.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * Prometheus metrics on the embedded server (/observe/metrics) after real runs against the sandbox. On Camel's test
 * kit ({@link CamelMainTest}): the real app against the sandbox, the feeds run as a trigger runs them, the metrics
 * asked over HTTP ({@link AppHttp}).
 */
@CamelMainTest
class MetricsTest extends SharedAppContext {

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(30).invoicesPerBatch(1).build();
    private final Sandbox sandbox = upstream(Sandbox.start(settings));

    @Configure
    void theAppWithBothApisOnTheSandbox(MainConfigurationProperties main) {
        RunningApp.builder(work)
                .yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .property("yampi.resources", "contacts")
                .property("http.retry-delay", "50").configure(main);
    }

    @Test
    void afterASyncTheCountersSayWhatWasDeliveredAndWhatTheApisRefused() throws Exception {
        // given Yampi rate-limits one request and fails one with 503
        sandbox.yampi().rateLimitNext(1, 1);
        sandbox.yampi().failNext(1, 503);
        ProducerTemplate template = context.createProducerTemplate();

        // when both feeds run, then one contact changes and the contacts run again
        template.requestBodyAndHeader("direct:sync", null, "SyncFeed", "yofacturo-invoice-batches", String.class);
        template.requestBodyAndHeader("direct:sync", null, "SyncFeed", "yampi-contacts", String.class);
        sandbox.yampi().changeContact(1, 5);
        template.requestBodyAndHeader("direct:sync", null, "SyncFeed", "yampi-contacts", String.class);

        // then the metrics count per feed and tenant, and per API and status
        String metrics = AppHttp.of(context).get("/observe/metrics").body();
        assertThat(metrics)
                .contains("yyr_records_delivered_total{change=\"new\",feed=\"yampi-contacts\",tenant=\"default\"} 40.0")
                .contains("yyr_records_delivered_total{change=\"changed\",feed=\"yampi-contacts\",tenant=\"default\"} 1.0")
                .contains("yyr_records_delivered_total{change=\"new\",feed=\"yofacturo-invoice-batches\",tenant=\"default\"} 60.0")
                .contains("yyr_pages_read_total{feed=\"yampi-contacts\",tenant=\"default\"} 6.0")
                .contains("yyr_poll_duration_seconds_count{feed=\"yampi-contacts\",tenant=\"default\"} 2")
                .contains("yyr_http_failures_total{api=\"yampi\",status=\"429\",tenant=\"default\"} 1.0")
                .contains("yyr_http_failures_total{api=\"yampi\",status=\"5xx\",tenant=\"default\"} 1.0")
                .contains("yyr_dead_letters_total{feed=\"yampi-contacts\",tenant=\"default\"} 0.0")
                .containsPattern("yyr_session_renewals_total\\{api=\"yofacturo\",tenant=\"default\"} [1-9]")
                .doesNotContain(settings.yampiUserToken()).doesNotContain(settings.yofacturoApiKey());
    }
}
