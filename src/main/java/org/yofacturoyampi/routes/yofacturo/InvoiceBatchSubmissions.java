package org.yofacturoyampi.routes.yofacturo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.UntrustedText;
import org.yofacturoyampi.routes.delivery.AnswerJson;
import org.yofacturoyampi.routes.delivery.FailureDescription;
import org.yofacturoyampi.routes.delivery.InboundAttempts;
import org.yofacturoyampi.routes.delivery.InvalidInboundMessageException;
import org.yofacturoyampi.routes.delivery.SafeFileName;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * The steps of routes/yofacturo-submit.yaml: checks an inbound create-batch body, derives its Idempotency-Key, and
 * shapes YoFacturo's answer (created, partly created, rejected) into the messages that go to the result and error
 * endpoints.
 */
public final class InvoiceBatchSubmissions {

    public static final String EXTERNAL_BATCH_ID = "YoFacturoExternalBatchId";
    public static final String IDEMPOTENCY_KEY = "YoFacturoIdempotencyKey";
    public static final String TENANT = "YoFacturoTenant";
    private static final Logger LOG = LoggerFactory.getLogger(InvoiceBatchSubmissions.class);

    private static final DateTimeFormatter FALLBACK_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);

    private final ObjectMapper json;
    private final List<String> tenants;
    private final Clock clock = Clock.systemUTC();

    /** @param tenants the configured organisations, the first one being where a submission goes unless it says */
    public InvoiceBatchSubmissions(ObjectMapper json, List<String> tenants) {
        this.json = json;
        this.tenants = List.copyOf(tenants);
    }

    /**
     * Keeps the body as it came (it is what is posted), and sets the variables externalBatchId, idempotencyKey and
     * tenant: the header YoFacturoTenant, or the sub-folder the file was dropped in (data/in/invoice-batches/acme/),
     * or the first organisation.
     */
    public void prepare(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        exchange.setVariable("submission", body);
        String tenant = tenantOf(exchange);
        if (!tenants.contains(tenant)) {
            throw new InvalidInboundMessageException("no organisation '" + tenant + "' is configured (YOFACTURO_TENANTS: "
                    + String.join(", ", tenants) + ")");
        }
        exchange.setVariable(Tenants.VARIABLE, tenant);
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new InvalidInboundMessageException("not JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode external = root == null ? null : root.path("invoice_batch").path("external_batch_id");
        // text only: a null or a number would be sent as the text "null" or "42", and keyed by it
        if (external == null || !external.isTextual() || external.asText().isBlank()) {
            throw new InvalidInboundMessageException((external == null || external.isMissingNode()
                    ? "no invoice_batch.external_batch_id" : "invoice_batch.external_batch_id is not a non-empty string")
                    + ": the documented body is {\"invoice_batch\": {\"external_batch_id\": \"...\", \"invoices\": [...]}}");
        }
        String id = external.asText().trim();
        exchange.setVariable("externalBatchId", id);
        exchange.setVariable(RouteVariables.IDEMPOTENCY_KEY, IdempotencyKeys.forInvoiceBatch(id).toString());
        exchange.getMessage().setBody(body);
    }

    private String tenantOf(Exchange exchange) {
        String header = exchange.getMessage().getHeader(TENANT, String.class);
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        String relative = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        int slash = relative == null ? -1 : relative.indexOf('/');
        return slash > 0 ? relative.substring(0, slash) : tenants.isEmpty() ? Tenants.DEFAULT : tenants.get(0);
    }

    /** YoFacturo created the batch: its answer goes to the results, flagged if some invoices were refused. */
    public void accepted(Exchange exchange) throws JsonProcessingException {
        String answer = exchange.getMessage().getBody(String.class);
        JsonNode root = AnswerJson.parseOrText(json, answer);
        boolean partial = root.path("errors").isObject() && !root.path("errors").isEmpty();
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(EXTERNAL_BATCH_ID, exchange.getVariable("externalBatchId"));
        exchange.getMessage().setHeader(RouteHeaders.YOFACTURO_SUBMISSION_NAME, fileName(exchange));
        exchange.getMessage().setHeader(TENANT, Tenants.idOf(exchange));
        exchange.getMessage().setHeader(IDEMPOTENCY_KEY, exchange.getVariable(RouteVariables.IDEMPOTENCY_KEY));
        exchange.getMessage().setHeader(RouteHeaders.YOFACTURO_INVOICE_BATCH_ID,
                root.path("data").path("id").asText(null));
        exchange.getMessage().setHeader(RouteHeaders.YOFACTURO_PARTIAL_SUCCESS, partial);
        exchange.getMessage().setBody(answer);
        if (partial) {
            LOG.warn("invoice batch {} created with {} invoices refused; see the submission errors",
                    exchange.getVariable("externalBatchId"), root.path("errors").size());
        } else {
            LOG.info("invoice batch {} submitted", exchange.getVariable("externalBatchId"));
        }
    }

    /**
     * YoFacturo's answer could not be written under its usual name (a name the file system refuses, a name taken):
     * the next write uses {@code <sha-256 of external_batch_id>-<time>}, said in one WARN line. The batch is not sent
     * again either way: YoFacturo has it.
     */
    public void fallbackName(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        String id = exchange.getVariable("externalBatchId", String.class);
        String fallback = HexFormat.of().formatHex(sha256(id == null ? "" : id)) + "-"
                + FALLBACK_TIME.format(clock.instant());
        String name = exchange.getMessage().getHeader(RouteHeaders.YOFACTURO_SUBMISSION_NAME, String.class);
        LOG.warn("invoice batch {} submitted, but its result could not be written as {} ({}); written as {} instead",
                UntrustedText.echo(id), UntrustedText.echo(name),
                UntrustedText.echo(FailureDescription.of(cause), 1000), fallback);
        exchange.getMessage().setHeader(RouteHeaders.YOFACTURO_SUBMISSION_NAME, fallback);
    }

    /**
     * Nothing could be written (the result under its fallback name, or a partial success's refused invoices): the
     * answer goes to the log, once, so it is not lost, and the batch is still not sent again.
     */
    public void unwritable(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        String body = exchange.getMessage().getBody(String.class);
        LOG.error("invoice batch {} submitted, but this could not be written ({}); not sent again: {}",
                UntrustedText.echo(exchange.getVariable("externalBatchId", String.class)),
                UntrustedText.echo(FailureDescription.of(cause), 1000), UntrustedText.echo(body, 1_000_000));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The refused invoices of a partly created batch, keyed by external_invoice_id as YoFacturo gave them. */
    public void partialErrors(Exchange exchange) throws JsonProcessingException {
        JsonNode root = json.readTree(exchange.getMessage().getBody(String.class));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("external_batch_id", exchange.getVariable("externalBatchId"));
        error.put("invoice_batch_id", root.path("data").path("id").isMissingNode() ? null : root.path("data").path("id"));
        error.put("outcome", "partial");
        error.put("errors", root.path("errors"));
        exchange.getMessage().setBody(json.writeValueAsString(error));
    }

    /** YoFacturo refused the batch (4xx): its status and message, and the submission itself, so nothing is lost. */
    public void rejected(Exchange exchange) throws JsonProcessingException {
        HttpOperationFailedException http = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT,
                HttpOperationFailedException.class);
        int status = http == null ? 0 : http.getStatusCode();
        JsonNode apiError = AnswerJson.errorOf(json, http);
        LOG.warn("invoice batch {} rejected by YoFacturo (HTTP {}): {}", exchange.getVariable("externalBatchId"), status,
                apiError.path("message").asText(apiError.toString()));
        error(exchange, "rejected", status, apiError);
    }

    /** YoFacturo could not be reached (or kept refusing for a passing reason) in yofacturo.submit-max-attempts polls. */
    public void gaveUp(Exchange exchange) throws JsonProcessingException {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        Integer status = cause instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        String reason = "not sent after " + exchange.getVariable(InboundAttempts.FAILED) + " attempts, the last: "
                + FailureDescription.of(cause);
        LOG.warn("invoice batch {} {}; moved to the submission errors (sending it again later is safe: same "
                + "Idempotency-Key)", exchange.getVariable("externalBatchId"), reason);
        error(exchange, "failed", status, json.valueToTree(Map.of("code", "not_sent", "message", reason)));
    }

    /** The message could not be submitted at all. */
    public void invalid(Exchange exchange) throws JsonProcessingException {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        String message = cause == null ? "invalid" : cause.getMessage();
        LOG.warn("invoice batch submission not sent: {}", message);
        Map<String, Object> apiLike = Map.of("code", "invalid_submission", "message", message);
        error(exchange, "invalid", null, json.valueToTree(apiLike));
    }

    private static String fileName(Exchange exchange) {
        String id = exchange.getVariable("externalBatchId", String.class);
        return id == null ? "invalid-" + exchange.getExchangeId() : SafeFileName.of(id);
    }

    private void error(Exchange exchange, String outcome, Integer status, JsonNode apiError) throws JsonProcessingException {
        String submission = exchange.getVariable("submission", String.class);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("external_batch_id", exchange.getVariable("externalBatchId"));
        error.put("idempotency_key", exchange.getVariable(RouteVariables.IDEMPOTENCY_KEY));
        error.put("outcome", outcome);
        error.put("status", status);
        error.put("error", apiError);
        JsonNode parsed = AnswerJson.parseOrText(json, submission);
        error.put("submission", parsed);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(EXTERNAL_BATCH_ID, exchange.getVariable("externalBatchId"));
        exchange.getMessage().setHeader(RouteHeaders.YOFACTURO_SUBMISSION_NAME, fileName(exchange));
        exchange.getMessage().setBody(json.writeValueAsString(error));
    }
}
