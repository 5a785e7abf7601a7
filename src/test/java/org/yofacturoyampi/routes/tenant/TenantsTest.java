package org.yofacturoyampi.routes.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.apache.camel.ServiceStatus;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * Several YoFacturo organisations and several Yampi tokens in one app, from configuration, on Camel's test kit: the
 * real app ({@link CamelMainTest}) with two organisations (globex's key refused) and two Yampi tenants against the
 * sandbox, its log captured from before the context starts. The tenant lists that stop start-up are in
 * {@link TenantSettingsTest}.
 */
@CamelMainTest
class TenantsTest extends SharedAppContext {

    private static final String WRONG_KEY = "org_test_globex_wrong_key_not_a_secret";

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(20).invoicesPerBatch(1).build();
    private final Sandbox sandbox = upstream(Sandbox.start(settings));
    // from before the context starts: globex's refusal comes with the first session check
    private final LogCapture log = upstream(LogCapture.start());

    @Configure
    void twoOrganisationsAndTwoTokens(MainConfigurationProperties main) {
        RunningApp.builder(work)
                .property("yofacturo.base-url", sandbox.baseUrl())
                .property("yofacturo.tenants", "acme, globex")
                .property("yofacturo.tenant.acme.api-key", settings.yofacturoApiKey())
                .property("yofacturo.tenant.globex.api-key", WRONG_KEY)
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                .property("yampi.base-url", sandbox.baseUrl())
                .property("yampi.tenants", "support,sales")
                .property("yampi.tenant.support.api-token", settings.yampiUserToken())
                .property("yampi.tenant.support.account-ids", "1")
                .property("yampi.tenant.sales.api-token", settings.yampiUserToken())
                .property("yampi.tenant.sales.resources", "conversations")
                .property("yampi.tenant.sales.account-ids", "1")
                .property("yampi.resources", "contacts,conversations")
                .property("yampi.poll-cron", RunningApp.EVERY_SECOND)
                .configure(main);
    }

    private boolean isRouteStarted(String routeId) {
        return context.getRouteController().getRouteStatus(routeId) == ServiceStatus.Started;
    }

    @Test
    void eachTenantRunsItsOwnFeedsIntoItsOwnFoldersAndOneFailingTenantDoesNotStopTheOthers() throws Exception {
        // then acme's batches, support's contacts and conversations, and sales' conversations arrive, each apart
        await().atMost(Duration.ofSeconds(30)).until(() ->
                JsonFiles.in(work.resolve("out/yofacturo/acme/invoice-batches")) == 20
                        && JsonFiles.in(work.resolve("out/yampi/support/1/contacts")) == 40
                        && JsonFiles.in(work.resolve("out/yampi/support/1/conversations")) == 60
                        && JsonFiles.in(work.resolve("out/yampi/sales/1/conversations")) == 60);
        assertThat(JsonFiles.in(work.resolve("out/yofacturo/acme/batch-invoices/7"))).isEqualTo(1);
        // sales polls conversations only, so it has no contacts
        assertThat(work.resolve("out/yampi/sales/1/contacts")).doesNotExist();

        // and globex, whose key is refused, delivered nothing, and said so once, naming its own variable
        assertThat(work.resolve("out/yofacturo/globex")).doesNotExist();
        assertThat(log.linesAt(Level.ERROR)).filteredOn(l -> l.contains("YOFACTURO_TENANT_GLOBEX_API_KEY")).hasSize(1);
        assertThat(log.all()).doesNotContain(WRONG_KEY).doesNotContain(settings.yofacturoApiKey());

        // and readiness is down, naming globex only
        HttpResponse<String> ready = AppHttp.of(context).get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("yofacturo-session-globex", "YOFACTURO_TENANT_GLOBEX_API_KEY")
                .doesNotContain("YOFACTURO_TENANT_ACME_API_KEY");

        // and tenant ids are in the route ids and the state folders
        assertThat(isRouteStarted("yofacturo-invoice-batches-acme-schedule")).isTrue();
        assertThat(isRouteStarted("yampi-support-contacts")).isTrue();
        assertThat(isRouteStarted("yampi-sales-conversations")).isTrue();
        assertThat(context.getRoute("yampi-sales-contacts")).isNull();
        assertThat(work.resolve("state/acme/yofacturo-invoice-batches.state")).exists();
        assertThat(work.resolve("state/support/yampi.state")).exists();
        assertThat(work.resolve("state/sales/yampi.state")).exists();
    }
}
