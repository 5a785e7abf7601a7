package org.yofacturoyampi.routes.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * A batch left pending because one of its invoices could not be written says which downstream and which file. On
 * Camel's test kit ({@link CamelMainTest}): the real app against a WireMock YoFacturo, the feed run as a trigger runs
 * it, over a real output folder where a plain file stands in the way.
 */
@CamelMainTest
class PendingBatchWarningTest extends SharedAppContext {

    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

    @Configure
    void theApp(MainConfigurationProperties main) {
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).configure(main);
    }

    @Test
    void theWarningOfABatchWhoseInvoiceCouldNotBeWrittenNamesTheDownstreamAndTheFileNotTheApiCall() throws Exception {
        // given batch 1 with invoice 7, and a plain file where the folder of batch 1's invoices should be
        yofacturo.listsBatches(YoFacturoStub.batches(1)).listsInvoices(1, List.of(YoFacturoStub.invoice(7)));
        Path blocker = work.resolve("out/yofacturo/batch-invoices/1");
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a folder");

        try (LogCapture log = LogCapture.start()) {
            // when the feed runs
            context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed",
                    "yofacturo-invoice-batches", String.class);

            // then the batch stays pending, and its one WARN line names the invoice, the downstream and the file
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("invoice batch 1 not delivered")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("batch invoice 1/7 could not be written to file:")
                            .contains("batch-invoices/1/7.json").doesNotContain("the API call"));
        }
    }
}
