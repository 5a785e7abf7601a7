package org.yofacturoyampi.routes.yofacturo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * The invoice-batch routes as Camel's test kit tests routes: the real config/ and routes/ (as {@code java -jar} loads
 * them) against a WireMock YoFacturo, the two downstreams replaced by mock endpoints with {@link AdviceWith} before the
 * routes start, {@link MockEndpoint} expectations on what reaches them, and a {@link NotifyBuilder} that waits for
 * scheduled polls to complete instead of watching folders.
 */
class InvoiceBatchesRouteTest {

    private static final String BATCHES = "mock:invoice-batches";
    private static final String INVOICES = "mock:batch-invoices";

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();
    private Main main;

    @BeforeEach
    void startWithMockDownstreams() {
        // given YoFacturo lists three batches, the first with two invoices
        yofacturo.listsBatches(YoFacturoStub.batches(3))
                .listsInvoices(1, List.of(YoFacturoStub.invoice(11), YoFacturoStub.invoice(12)));
        main = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).create();
        // the downstreams (yofacturo.invoice-batches-to, yofacturo.batch-invoices-to) become mocks before any route
        // starts. The patterns are regular expressions on the step's URI as the route file writes it; they hold no
        // "{{": AdviceWith would resolve the placeholder in the pattern, not in the step
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                try {
                    CamelContext context = m.getCamelContext();
                    AdviceWith.adviceWith(context, "yofacturo-deliver-invoice-batch",
                            route -> route.weaveByToUri(".*yofacturo.invoice-batches-to.*").replace().to(BATCHES));
                    AdviceWith.adviceWith(context, "yofacturo-deliver-batch-invoice",
                            route -> route.weaveByToUri(".*yofacturo.batch-invoices-to.*").replace().to(INVOICES));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        main.start();
    }

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
        yofacturo.close();
    }

    @Test
    void eachNewBatchAndEachInvoiceOfItGoesDownstreamOnceAndASecondPollDeliversNothingUnchanged() throws Exception {
        CamelContext context = main.getCamelContext();
        MockEndpoint batches = context.getEndpoint(BATCHES, MockEndpoint.class);
        MockEndpoint invoices = context.getEndpoint(INVOICES, MockEndpoint.class);
        batches.expectedMessageCount(3);
        batches.expectedHeaderValuesReceivedInAnyOrder("YoFacturoInvoiceBatchId", "1", "2", "3");
        invoices.expectedMessageCount(2);
        invoices.expectedHeaderValuesReceivedInAnyOrder("YoFacturoBatchInvoiceId", "11", "12");
        invoices.allMessages().header("YoFacturoInvoiceBatchId").isEqualTo("1");

        // when two scheduled polls have run from start to end
        NotifyBuilder twoPolls = new NotifyBuilder(context).fromRoute("yofacturo-invoice-batches-schedule")
                .whenCompleted(2).create();
        assertThat(twoPolls.matches(30, TimeUnit.SECONDS)).as("two polls completed").isTrue();

        // then each batch and invoice reached its downstream once, as the API returned it
        MockEndpoint.assertIsSatisfied(context);
        assertThat(batches.getReceivedExchanges()).allSatisfy(e -> assertThat(e.getMessage().getBody(String.class))
                .startsWith("{\"id\":").contains("\"external_batch_id\":\"ext-"));
    }
}
