package io.werken.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.werken.core.ExchangeProperties;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.core.WerkenJson;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Decides whether a webhook request can be accepted, in the order a caller would fix things: method, workflow,
 * signature (for a workflow with a {@code verify} block, over the exact bytes received), content type, then body. On
 * success the body becomes the parsed JSON, {@link ExchangeProperties#PAYLOAD_BYTES} holds the bytes of that JSON value
 * exactly as sent (see {@link #valueBytes}) and {@link ExchangeProperties#WORKFLOW} the workflow; otherwise a
 * {@link ProblemException} says which 4xx to answer.
 */
public final class WebhookRequestValidator implements Processor {

    /** The path parameter of {@code /webhook/{workflow_id}}. */
    public static final String WORKFLOW_ID_HEADER = "workflow_id";

    private static final int MAX_ID_IN_DETAIL = 80;

    private final CurrentWorkflows workflows;
    private final JsonFactory jsonFactory;
    private final ObjectReader jsonReader;
    private final int maxNumberExponent;

    /**
     * @param maxJsonDepth      deepest nesting accepted
     * @param maxNumberExponent largest decimal exponent (either sign) and most digits after the point of a number
     */
    public WebhookRequestValidator(CurrentWorkflows workflows, int maxJsonDepth, int maxNumberExponent) {
        this.workflows = workflows;
        this.maxNumberExponent = maxNumberExponent;
        // Error details must not echo the caller's body back (the strict factory includes no source in them).
        this.jsonFactory = WerkenJson.strictFactory(maxJsonDepth);
        this.jsonReader = WerkenJson.strictReader(jsonFactory);
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (!"POST".equals(method)) {
            throw new ProblemException(
                    ProblemType.METHOD_NOT_ALLOWED,
                    "Webhooks are delivered with POST, not " + method + ".",
                    Map.of("Allow", "POST"));
        }

        String workflowId = in.getHeader(WORKFLOW_ID_HEADER, String.class);
        // The one lookup of the workflow: every later step reads this workflow, of this revision, from the exchange.
        Workflow workflow = workflows
                .find(workflowId)
                .orElseThrow(() -> new ProblemException(
                        ProblemType.UNKNOWN_WORKFLOW, "There is no workflow '" + abbreviate(workflowId) + "'."));
        // Set before the checks below, so that a refusal is counted under its workflow.
        exchange.setProperty(ExchangeProperties.WORKFLOW, workflow);

        byte[] body = in.getBody(byte[].class);
        if (workflow.verify() != null) {
            workflow.verify().verify(name -> singleHeader(in, name), body == null ? new byte[0] : body, Instant.now());
        }

        JsonNode payload = readJson(in, body);
        exchange.setProperty(ExchangeProperties.PAYLOAD_BYTES, valueBytes(body));
        in.setBody(payload);
    }

    /**
     * The bytes of the one JSON value of a body {@link #readJson} accepted, exactly as sent, without what may surround
     * it: a UTF-8 byte order mark (which Jackson skips, and which inside an envelope would be no JSON) and JSON
     * whitespace (space, tab, line feed, carriage return) before and after it. Nothing else can surround it: comments
     * are not JSON and anything after the value is refused. {@code body} itself when there is nothing to take off.
     */
    static byte[] valueBytes(byte[] body) {
        int start = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF
                ? 3
                : 0;
        int end = body.length;
        while (start < end && whitespace(body[start])) {
            start++;
        }
        while (end > start && whitespace(body[end - 1])) {
            end--;
        }
        return start == 0 && end == body.length ? body : Arrays.copyOfRange(body, start, end);
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /**
     * The body as JSON, after its content type: a JSON media type in UTF-8, not empty, strict UTF-8 (see
     * {@link StrictUtf8}), one JSON value within the depth limit, no duplicate keys, no number beyond the exponent limit
     * (see {@link NumberLimitingParser}). Otherwise the 400 or 415 to answer.
     */
    public JsonNode readJson(Message in, byte[] body) {
        checkContentType(in.getHeader(Exchange.CONTENT_TYPE, String.class));
        if (body == null || body.length == 0) {
            throw new ProblemException(ProblemType.INVALID_JSON, "The request body is empty; send a JSON document.");
        }
        String encoding = StrictUtf8.problem(body);
        if (encoding != null) {
            throw new ProblemException(
                    ProblemType.INVALID_JSON, "The request body is not JSON in UTF-8: " + encoding + ".");
        }
        JsonNode payload;
        try (JsonParser parser = new NumberLimitingParser(jsonFactory.createParser(body), maxNumberExponent)) {
            payload = jsonReader.readTree(parser);
        } catch (NumberLimitingParser.NumberLimitException e) {
            throw new ProblemException(
                    ProblemType.INVALID_JSON,
                    "The request body has a " + e.getOriginalMessage() + " (WERKEN_MAX_JSON_NUMBER_EXPONENT)" + where(e)
                            + ".");
        } catch (JsonProcessingException e) {
            throw new ProblemException(
                    ProblemType.INVALID_JSON,
                    "The request body is not valid JSON: " + e.getOriginalMessage() + where(e) + ".");
        } catch (IOException e) {
            throw new ProblemException(ProblemType.INVALID_JSON, "The request body could not be read as JSON.");
        } catch (NumberFormatException | ArithmeticException e) {
            // The number check runs first, so this is not expected; a caller's number is still never a 500.
            throw new ProblemException(
                    ProblemType.INVALID_JSON,
                    "The request body has a number that cannot be read (WERKEN_MAX_JSON_NUMBER_EXPONENT).");
        }
        if (payload == null || payload.isMissingNode()) {
            throw new ProblemException(ProblemType.INVALID_JSON, "The request body holds no JSON value.");
        }
        return payload;
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    /**
     * A header the request carries once; a signature header sent twice is refused rather than guessed at. Read from
     * the request itself where there is one: the edge's header filter may have run with the workflows of a revision
     * before this workflow's.
     */
    private static String singleHeader(Message in, String name) {
        if (in instanceof HttpMessage http && http.getRequest() != null) {
            java.util.List<String> values = http.getRequest().headers().getAll(name);
            if (values.size() > 1) {
                throw new ProblemException(
                        ProblemType.SIGNATURE_MALFORMED, "The " + name + " header is sent more than once.");
            }
            return values.isEmpty() ? null : values.get(0);
        }
        Object value = in.getHeader(name);
        if (value instanceof Iterable<?>) {
            throw new ProblemException(
                    ProblemType.SIGNATURE_MALFORMED, "The " + name + " header is sent more than once.");
        }
        return value == null ? null : value.toString();
    }

    /** JSON is accepted as {@code application/json} or any {@code +json} type, in UTF-8 (RFC 8259). */
    static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "The request has no Content-Type; send the body as application/json.");
        }
        String[] parts = contentType.split(";");
        String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
        boolean json = mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
        if (!json) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type '" + abbreviate(mediaType)
                            + "' is not supported; send the body as application/json.");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param.length == 2 && param[0].trim().equalsIgnoreCase("charset")) {
                String charset = param[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw new ProblemException(
                            ProblemType.UNSUPPORTED_MEDIA_TYPE,
                            "Charset '" + abbreviate(charset) + "' is not supported; JSON must be sent in UTF-8.");
                }
            }
        }
    }

    public static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= MAX_ID_IN_DETAIL ? value : value.substring(0, MAX_ID_IN_DETAIL) + "...";
    }
}
