package org.yofacturoyampi.routes.yampi;

import static org.yofacturoyampi.routes.RouteVariables.ACCOUNT_ID;
import static org.yofacturoyampi.routes.RouteVariables.CONVERSATION_ID;
import static org.yofacturoyampi.routes.RouteVariables.PATH;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.delivery.AnswerJson;
import org.yofacturoyampi.routes.delivery.FailureDescription;
import org.yofacturoyampi.routes.delivery.InboundAttempts;
import org.yofacturoyampi.routes.delivery.InboundFailureLog;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.delivery.InvalidInboundMessageException;

/**
 * The steps of routes/yampi-messages.yaml: an inbound {@code {"account_id", "conversation_id", "content", ...}} becomes
 * a POST of {@code {"content", ...}} (every field but the two ids, as Yampi documents the body) to that conversation's
 * messages; the answer or the refusal is shaped for the result and error endpoints.
 */
public final class YampiMessages {

    private static final Logger LOG = LoggerFactory.getLogger(YampiMessages.class);

    private final ObjectMapper json;
    private final List<String> tenants;
    private final Function<String, YampiTokenKind> tokenKind;

    /**
     * @param tenants   the configured tokens, the first one posting unless a message's header YampiTenant says
     * @param tokenKind the kind of each of those tokens (a platform app's token cannot post messages)
     */
    public YampiMessages(ObjectMapper json, List<String> tenants, Function<String, YampiTokenKind> tokenKind) {
        this.json = json;
        this.tenants = List.copyOf(tenants);
        this.tokenKind = tokenKind;
    }

    public void prepare(Exchange exchange) throws JsonProcessingException {
        String body = exchange.getMessage().getBody(String.class);
        exchange.setVariable("submission", body);
        String tenant = exchange.getMessage().getHeader("YampiTenant", String.class);
        tenant = tenant == null || tenant.isBlank() ? (tenants.isEmpty() ? Tenants.DEFAULT : tenants.get(0)) : tenant.trim();
        if (!tenants.contains(tenant)) {
            throw new InvalidInboundMessageException("no Yampi token '" + tenant + "' is configured (YAMPI_TENANTS: "
                    + String.join(", ", tenants) + ")");
        }
        exchange.setVariable(Tenants.VARIABLE, tenant);
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new InvalidInboundMessageException("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInboundMessageException("not a JSON object; send {\"account_id\": 1, \"conversation_id\": 2, "
                    + "\"content\": \"...\"}");
        }
        String account = id(root, "account_id");
        String conversation = id(root, "conversation_id");
        if (!root.path("content").isTextual() || root.path("content").asText().isBlank()) {
            throw new InvalidInboundMessageException("no content: the message text goes in \"content\"");
        }
        ObjectNode message = ((ObjectNode) root).deepCopy();
        message.remove("account_id");
        message.remove("conversation_id");
        exchange.setVariable(ACCOUNT_ID, account);
        exchange.setVariable(CONVERSATION_ID, conversation);
        exchange.setVariable(PATH, "/api/v1/accounts/" + account + "/conversations/" + conversation + "/messages");
        if (tokenKind.apply(tenant) == YampiTokenKind.PLATFORM) {
            // upstream's platform apps may not post messages (Yampi would answer 401): said here, nothing is sent
            throw new InvalidInboundMessageException("the Yampi token" + (tenants.size() > 1 ? " '" + tenant + "'" : "")
                    + " is a platform token (" + Tenants.variable("yampi", tenant, "token-kind") + "=platform), which "
                    + "cannot post messages: post with a user or agent-bot token (YAMPI_TENANTS, header YampiTenant)");
        }
        exchange.getMessage().setBody(json.writeValueAsString(message));
    }

    private static String id(JsonNode root, String field) {
        String value = root.path(field).asText("").trim();
        if (!value.matches("\\d+")) {
            throw new InvalidInboundMessageException("\"" + field + "\" must be a number, not '" + value + "'");
        }
        return value;
    }

    public void posted(Exchange exchange) throws JsonProcessingException {
        String answer = exchange.getMessage().getBody(String.class);
        exchange.getMessage().getHeaders().clear();
        headers(exchange);
        String messageId = json.readTree(answer).path("id").asText(null);
        exchange.setVariable("yampiMessageId", messageId);
        exchange.getMessage().setHeader(RouteHeaders.YAMPI_MESSAGE_ID, messageId);
        exchange.getMessage().setBody(answer);
        LOG.info("Yampi message posted to conversation {} of account {}", exchange.getVariable(CONVERSATION_ID),
                exchange.getVariable(ACCOUNT_ID));
    }

    public void rejected(Exchange exchange) throws JsonProcessingException {
        HttpOperationFailedException http = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT,
                HttpOperationFailedException.class);
        int status = http == null ? 0 : http.getStatusCode();
        JsonNode apiError = AnswerJson.errorOf(json, http);
        RefusalReason reason = RefusalReason.of(http);
        LOG.warn("Yampi refused a message to conversation {} of account {} (HTTP {} '{}'){}", exchange.getVariable(CONVERSATION_ID),
                exchange.getVariable(ACCOUNT_ID), status, reason.printable(), status == 401 && reason.isTokenRefused()
                        ? ": set " + Tenants.variable("yampi", Tenants.idOf(exchange), "api-token") + " to a valid token" : "");
        error(exchange, "rejected", status, apiError);
    }

    /**
     * The POST failed in a way that does not say whether Yampi created the message (a 5xx, a read timeout, a connection
     * lost after the request went out). Yampi cannot tell a repeat from a new message, so it is not sent again: it
     * goes to the errors for a person to check the conversation.
     */
    public void uncertain(Exchange exchange) throws JsonProcessingException {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        Integer status = cause instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        String reason = "Yampi may have posted it (" + FailureDescription.of(cause) + "): not sent again, as a repeat "
                + "would reach the customer twice; check conversation " + exchange.getVariable(CONVERSATION_ID)
                + " before dropping it again";
        LOG.warn("Yampi message {} to conversation {} of account {} may have been posted ({}): not sent again; see the "
                + "message errors", InboundFailureLog.nameOf(exchange), exchange.getVariable(CONVERSATION_ID),
                exchange.getVariable(ACCOUNT_ID), FailureDescription.of(cause));
        error(exchange, "uncertain", status, json.getNodeFactory().textNode(reason));
    }

    /** The message could not be sent (nothing reached Yampi) in yampi.messages-max-attempts attempts: it is filed. */
    public void gaveUp(Exchange exchange) throws JsonProcessingException {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        Integer status = cause instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        Object attempts = exchange.getVariable(InboundAttempts.FAILED);
        String reason = "not sent after " + attempts + " attempts, the last: " + FailureDescription.of(cause);
        LOG.warn("Yampi message {} to conversation {} of account {} {}; moved to the message errors",
                InboundFailureLog.nameOf(exchange), exchange.getVariable(CONVERSATION_ID),
                exchange.getVariable(ACCOUNT_ID), reason);
        error(exchange, "failed", status, json.getNodeFactory().textNode(reason));
    }

    /** Posted, but what came after (reading the answer, writing it to the results) failed: it is never posted again. */
    public void answerNotWritten(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("Yampi message {} was posted to conversation {} of account {} (message id {}), but its answer could not "
                + "be written to the results: {}; it is not posted again", InboundFailureLog.nameOf(exchange),
                exchange.getVariable(CONVERSATION_ID), exchange.getVariable(ACCOUNT_ID),
                exchange.getVariable("yampiMessageId"), FailureDescription.of(cause));
    }

    public void invalid(Exchange exchange) throws JsonProcessingException {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        String message = cause == null ? "invalid" : cause.getMessage();
        LOG.warn("Yampi message not sent: {}", message);
        error(exchange, "invalid", null, json.getNodeFactory().textNode(message));
    }

    private void error(Exchange exchange, String outcome, Integer status, JsonNode apiError) throws JsonProcessingException {
        String submission = exchange.getVariable("submission", String.class);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("account_id", exchange.getVariable(ACCOUNT_ID));
        error.put("conversation_id", exchange.getVariable(CONVERSATION_ID));
        error.put("outcome", outcome);
        error.put("status", status);
        error.put("error", apiError);
        JsonNode parsed = AnswerJson.parseOrText(json, submission);
        error.put("message", parsed);
        exchange.getMessage().getHeaders().clear();
        headers(exchange);
        exchange.getMessage().setBody(json.writeValueAsString(error));
    }

    private static void headers(Exchange exchange) {
        exchange.getMessage().setHeader(RouteHeaders.YAMPI_ACCOUNT_ID, exchange.getVariable(ACCOUNT_ID));
        exchange.getMessage().setHeader(RouteHeaders.YAMPI_CONVERSATION_ID, exchange.getVariable(CONVERSATION_ID));
    }
}
