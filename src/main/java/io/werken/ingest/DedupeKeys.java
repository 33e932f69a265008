package io.werken.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ExchangeProperties;
import io.werken.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Finds a verified delivery's dedupe key, in this order: the workflow's {@code dedupe.path} in the payload, the
 * {@code webhook-id} header, the {@code Idempotency-Key} header. With a key it sets {@link ExchangeProperties#DEDUPE_KEY} (the repository key,
 * per workflow) and {@link ExchangeProperties#EVENT_ID}, the event id every repeat of that delivery is given; without one, neither.
 */
public final class DedupeKeys implements Processor {

    public static final String WEBHOOK_ID = "webhook-id";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        Workflow workflow = exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class);
        String key = null;
        if (workflow.dedupe() != null) {
            key = workflow.dedupe().keyIn(in.getBody(JsonNode.class));
        }
        if (key == null) {
            key = header(in, WEBHOOK_ID);
        }
        if (key == null) {
            key = header(in, IDEMPOTENCY_KEY);
        }
        if (key != null) {
            exchange.setProperty(
                    ExchangeProperties.DEDUPE_KEY,
                    workflow.id() + ":" + HexFormat.of().formatHex(sha256(key)));
            exchange.setProperty(
                    ExchangeProperties.EVENT_ID, eventId(workflow.id(), key).toString());
        }
    }

    /**
     * A name-based (version 5, SHA-1) UUID of the workflow and key: the same delivery always gets the same event id,
     * on any instance, so a repeat can be answered with the original's id without storing it.
     */
    static UUID eventId(String workflowId, String key) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-1")
                    .digest(("werken-event:" + workflowId + "\n" + key).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (hash[i] & 0xff);
            lsb = (lsb << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(Message in, String name) {
        String value = in.getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
