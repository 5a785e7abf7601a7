package org.yofacturoyampi.routes.app;

import java.io.PrintStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.yofacturoyampi.routes.OutOfMemoryExit;
import org.yofacturoyampi.routes.delivery.FailureDescription;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/**
 * {@code --once}: runs every configured feed once through {@code direct:sync}, one after another, then stops (state is
 * saved per record as it goes). For schedulers of their own (cron, a Kubernetes CronJob): exit status 0 when every
 * feed delivered without error, 1 when one did not, 2 when no feed is configured. Schedules, inbound folders and the
 * HTTP server stay off.
 */
final class RunOnce {

    static final String NEVER = "0 0 0 1 1 ? 2099";

    private RunOnce() {
    }

    static void configure(Main main) {
        main.addOverrideProperty("yofacturo.poll-cron", NEVER);
        main.addOverrideProperty("yofacturo.session-cron", NEVER);
        main.addOverrideProperty("yampi.poll-cron", NEVER);
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.main.routes-exclude-pattern",
                "**/sync-triggers.yaml,**/yofacturo-submit.yaml,**/yampi-messages.yaml");
    }

    static int run(Main main, PrintStream out) throws Exception {
        main.start();
        try {
            FeedRuns feeds = main.getCamelContext().getRegistry().lookupByNameAndType("feedRuns", FeedRuns.class);
            if (feeds.feedNames().isEmpty()) {
                out.println("run once: no feed is configured (see the lines above for what to set)");
                return 2;
            }
            ProducerTemplate template = main.getCamelContext().createProducerTemplate();
            ObjectMapper json = new ObjectMapper();
            int failed = 0;
            int delivered = 0;
            for (String feed : feeds.feedNames()) {
                Exchange run = template.send("direct:sync", e -> {
                    e.getMessage().setHeader(FeedRuns.FEED, feed);
                    e.getMessage().setHeader(FeedRuns.TRIGGER, "run once");
                });
                if (run.getException() != null) {
                    OutOfMemoryExit.ifOutOfMemory(run.getException());
                    failed++;
                    out.println("run once: " + feed + " failed: " + FailureDescription.of(run.getException()));
                    continue;
                }
                JsonNode report = json.readTree(run.getMessage().getBody(String.class));
                delivered += report.path("delivered_total").asInt();
                if (!"ok".equals(report.path("outcome").asText())) {
                    failed++;
                }
            }
            out.printf("run once: %d feeds, %d records delivered, %s%n", feeds.feedNames().size(), delivered,
                    failed == 0 ? "all delivered" : failed + " with errors (see the lines above)");
            return failed == 0 ? 0 : 1;
        } finally {
            main.stop();
        }
    }
}
