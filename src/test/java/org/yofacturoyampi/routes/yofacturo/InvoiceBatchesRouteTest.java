package org.yofacturoyampi.routes.yofacturo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.EndpointInject;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.AppContextPerTest;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * The invoice-batch routes as Camel's test kit tests routes: {@link CamelMainTest} boots the real config/ and routes/
 * with the application's wiring (as {@code java -jar} does) against a WireMock YoFacturo, the two downstreams replaced
 * by mock endpoints with advices before the routes start, {@link MockEndpoint} expectations on what reaches them, and
 * a {@link NotifyBuilder} that waits for scheduled polls to complete instead of watching folders.
 */
@CamelMainTest(advices = {
        @AdviceRouteMapping(route = "yofacturo-deliver-invoice-batch", advice = InvoiceBatchesRouteTest.BatchesToMock.class),
        @AdviceRouteMapping(route = "yofacturo-deliver-batch-invoice", advice = InvoiceBatchesRouteTest.InvoicesToMock.class)})
class InvoiceBatchesRouteTest extends AppContextPerTest {

    private static final String BATCHES = "mock:invoice-batches";
    private static final String INVOICES = "mock:batch-invoices";

    @EndpointInject(BATCHES)
    MockEndpoint batches;

    @EndpointInject(INVOICES)
    MockEndpoint invoices;

    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

    @Configure
    void theAppPollingEverySecond(MainConfigurationProperties main) {
        // given YoFacturo lists three batches, the first with two invoices (before the context, and its schedule, starts)
        yofacturo.listsBatches(YoFacturoStub.batches(3))
                .listsInvoices(1, List.of(YoFacturoStub.invoice(11), YoFacturoStub.invoice(12)));
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).configure(main);
    }

    /**
     * yofacturo.invoice-batches-to becomes a mock. The pattern is a regular expression on the step's URI as the route
     * file writes it, with no "{{": AdviceWith would resolve the placeholder in the pattern, not in the step.
     */
    static final class BatchesToMock extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToUri(".*yofacturo.invoice-batches-to.*").replace().to(BATCHES);
        }
    }

    /** yofacturo.batch-invoices-to becomes a mock (the pattern as for {@link BatchesToMock}). */
    static final class InvoicesToMock extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveByToUri(".*yofacturo.batch-invoices-to.*").replace().to(INVOICES);
        }
    }

    @Test
    void eachNewBatchAndEachInvoiceOfItGoesDownstreamOnceAndASecondPollDeliversNothingUnchanged() throws Exception {
        batches.expectedMessageCount(3);
        batches.expectedHeaderValuesReceivedInAnyOrder("YoFacturoInvoiceBatchId", "1", "2", "3");
        invoices.expectedMessageCount(2);
        invoices.expectedHeaderValuesReceivedInAnyOrder("YoFacturoBatchInvoiceId", "11", "12");
        invoices.allMessages().header("YoFacturoInvoiceBatchId").isEqualTo("1");

        // when two scheduled polls have run from start to end
        NotifyBuilder twoPolls = SchedulePolls.completed(context, "yofacturo-invoice-batches-schedule", 2);
        assertThat(twoPolls.matches(30, TimeUnit.SECONDS)).as("two polls completed").isTrue();

        // then each batch and invoice reached its downstream once, as the API returned it
        MockEndpoint.assertIsSatisfied(context);
        assertThat(batches.getReceivedExchanges()).allSatisfy(e -> assertThat(e.getMessage().getBody(String.class))
                .startsWith("{\"id\":").contains("\"external_batch_id\":\"ext-"));
    }
}
