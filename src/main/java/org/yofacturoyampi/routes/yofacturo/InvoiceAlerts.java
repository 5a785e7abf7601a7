package org.yofacturoyampi.routes.yofacturo;

import static org.yofacturoyampi.routes.RouteVariables.BATCH_ID;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Which batch invoices need a person: {@code processing_error} set, or a {@code processing_status} or
 * {@code verifactu_state} from the configured lists (YoFacturo does not document every value: the lists are
 * configuration). The alert names the batch, the invoice and the reasons, and carries the invoice.
 */
public final class InvoiceAlerts implements Predicate {

    private final ObjectMapper json;
    private final Set<String> processingStatuses;
    private final Set<String> verifactuStates;

    public InvoiceAlerts(ObjectMapper json, String processingStatuses, String verifactuStates) {
        this.json = json;
        this.processingStatuses = values(processingStatuses);
        this.verifactuStates = values(verifactuStates);
    }

    private static Set<String> values(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /** True if the invoice (the body, JSON) needs a person. */
    public boolean needsAlert(Exchange exchange) throws JsonProcessingException {
        return !reasons(json.readTree(exchange.getMessage().getBody(String.class))).isEmpty();
    }

    /** {@link #needsAlert}, for the route's filter (a predicate, so no bean binding runs per invoice). */
    @Override
    public boolean matches(Exchange exchange) {
        try {
            return needsAlert(exchange);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a batch invoice is not JSON", e);
        }
    }

    private List<String> reasons(JsonNode invoice) {
        List<String> reasons = new ArrayList<>();
        String error = invoice.path("processing_error").asText("");
        if (!invoice.path("processing_error").isNull() && !error.isBlank()) {
            reasons.add("processing_error: " + error);
        }
        String status = invoice.path("processing_status").asText("");
        if (processingStatuses.contains(status.toLowerCase(Locale.ROOT))) {
            reasons.add("processing_status: " + status);
        }
        String state = invoice.path("verifactu_state").asText("");
        if (verifactuStates.contains(state.toLowerCase(Locale.ROOT))) {
            reasons.add("verifactu_state: " + state);
        }
        return reasons;
    }

    /** Turns the invoice into the alert message (the invoice body itself was delivered already). */
    public void describe(Exchange exchange) throws JsonProcessingException {
        JsonNode invoice = json.readTree(exchange.getMessage().getBody(String.class));
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("alert", "yofacturo-batch-invoice-problem");
        alert.put("invoice_batch_id", exchange.getVariable(BATCH_ID));
        alert.put("batch_invoice_id", invoice.path("id"));
        alert.put("external_invoice_id", invoice.path("external_invoice_id"));
        alert.put("invoice_number", invoice.path("invoice_number"));
        alert.put("reasons", reasons(invoice));
        alert.put("invoice", invoice);
        exchange.getMessage().setBody(json.writeValueAsString(alert));
    }
}
