package org.yofacturoyampi.routes.app;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.yofacturoyampi.routes.OutOfMemoryExit;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.delivery.FailureDescription;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/**
 * {@code --once}: runs every configured feed once through {@code direct:sync}, side by side, then stops (state is
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
            // the feeds side by side, as their schedules would run them; each organisation's and token's requests
            // stay within its limit (yofacturo.max-concurrent-requests, yampi.max-concurrent-requests)
            Map<String, CompletableFuture<Exchange>> runs = new LinkedHashMap<>();
            for (String feed : feeds.feedNames()) {
                runs.put(feed, template.asyncSend("direct:sync", e -> {
                    e.getMessage().setHeader(RouteHeaders.SYNC_FEED, feed);
                    e.getMessage().setHeader(RouteHeaders.SYNC_TRIGGER, "run once");
                }));
            }
            for (Map.Entry<String, CompletableFuture<Exchange>> r : runs.entrySet()) {
                String feed = r.getKey();
                Exchange run = r.getValue().get();
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
