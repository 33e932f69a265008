package io.werken.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Journal entries made up to look like a week of real traffic, written straight into a journal database with COPY:
 * the workflows of {@code bench/journal-workflows.json} in unequal shares, 2 actions each, JSON payloads of 100 to
 * 500 bytes, {@value #DEAD_LETTERED_PER_MILLE} per mille dead-lettered, some actions skipped by their {@code when}, a
 * few replays, received in order over the 7 days before now. Event {@code i}'s id and content depend on {@code i}
 * alone, so that a reader can pick stored ids at random without keeping them.
 */
final class StoredEvents {

    static final int DEAD_LETTERED_PER_MILLE = 30;
    static final String ACTIONS_QUEUE = SystemUnderTest.ACTIONS;
    /** How the stored events spread: over this span, ending a few minutes before they are loaded. */
    static final Duration SPAN = Duration.ofDays(7).minusMinutes(20);

    /** A workflow of the stored traffic: its id, its share in per mille, and its two action types. */
    record Workflow(String id, int perMille, String firstAction, String secondAction) {
    }

    /** The workflows of bench/journal-workflows.json, as the stored traffic uses them. */
    static final List<Workflow> WORKFLOWS = List.of(
            new Workflow("mi-workflow", 300, "enviar_email", "log_evento"),
            new Workflow("github-push", 250, "run_ci", "notify_slack"),
            new Workflow("stripe-payment", 200, "update_ledger", "enviar_email"),
            new Workflow("shopify-order", 130, "create_shipment", "enviar_email"),
            new Workflow("blog-nuevo-post", 70, "publicar_post", "notify_slack"),
            new Workflow("support-ticket", 50, "create_ticket", "notify_slack"));

    private static final String EVENT_COLUMNS = "event_id, workflow_id, received_at, dispatched_at, workflow_revision,"
            + " outcome, reason, replay_of, traceparent, journal, payload, headers, actions_published, recorded_at";
    private static final String ACTION_COLUMNS = "event_id, idx, type, queue, outcome, reason, params";
    private static final HexFormat HEX = HexFormat.of();

    private final long count;
    private final long seed;
    private final Instant first;
    private final String revision;

    /**
     * @param count    how many events
     * @param end      the newest event's time (about)
     * @param revision the workflows revision every event was dispatched with (one Werken has journaled)
     */
    StoredEvents(long count, Instant end, String revision) {
        this.count = count;
        this.seed = 0x5EEDL;
        this.first = end.minus(SPAN).truncatedTo(ChronoUnit.SECONDS);
        this.revision = revision;
    }

    /** The oldest event's time. */
    Instant first() {
        return first;
    }

    /** The newest event's time (about). */
    Instant last() {
        return first.plus(SPAN);
    }

    /** Event {@code i}'s id: a version 4 UUID made from {@code i}. */
    String id(long i) {
        long msb = mix(seed + 2 * i + 1);
        long lsb = mix(seed + 2 * i + 2);
        msb = (msb & ~0xF000L) | 0x4000L;
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static Workflow workflowOf(int perMille) {
        int sum = 0;
        for (Workflow w : WORKFLOWS) {
            sum += w.perMille();
            if (perMille < sum) {
                return w;
            }
        }
        return WORKFLOWS.get(WORKFLOWS.size() - 1);
    }

    /**
     * Writes the events and their actions with two COPYs running side by side, one connection each, then returns the
     * number of actions written.
     */
    long copyInto(String url, String user, java.util.function.LongConsumer progress) throws SQLException {
        try (Connection events = DriverManager.getConnection(url, user, null);
             Connection actions = DriverManager.getConnection(url, user, null)) {
            CopyIn eventsCopy = events.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY journal_events (" + EVENT_COLUMNS + ") FROM STDIN");
            CopyIn actionsCopy = actions.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY journal_actions (" + ACTION_COLUMNS + ") FROM STDIN");
            StringBuilder eventRows = new StringBuilder(1 << 21);
            StringBuilder actionRows = new StringBuilder(1 << 21);
            long actionCount = 0;
            try {
                for (long i = 0; i < count; i++) {
                    actionCount += rows(i, eventRows, actionRows);
                    if (eventRows.length() > (1 << 20)) {
                        flush(eventsCopy, eventRows);
                        flush(actionsCopy, actionRows);
                    }
                    if ((i + 1) % 100_000 == 0) {
                        progress.accept(i + 1);
                    }
                }
                flush(eventsCopy, eventRows);
                flush(actionsCopy, actionRows);
                eventsCopy.endCopy();
                actionsCopy.endCopy();
            } finally {
                if (eventsCopy.isActive()) {
                    eventsCopy.cancelCopy();
                }
                if (actionsCopy.isActive()) {
                    actionsCopy.cancelCopy();
                }
            }
            return actionCount;
        }
    }

    private static void flush(CopyIn copy, StringBuilder rows) throws SQLException {
        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        rows.setLength(0);
    }

    /** Appends event {@code i}'s row and its actions' rows (COPY text format); how many actions. */
    private int rows(long i, StringBuilder events, StringBuilder actions) {
        SplittableRandom random = new SplittableRandom(mix(seed ^ i));
        Workflow workflow = workflowOf(random.nextInt(1000));
        String id = id(i);
        // In order of arrival, as a journal fills, a few milliseconds apart on average.
        long spanMillis = SPAN.toMillis();
        Instant received = first.plusMillis(spanMillis * i / count + random.nextLong(Math.max(1, spanMillis / count)));
        Instant dispatched = received.plusMillis(3 + random.nextInt(40));
        boolean deadLettered = random.nextInt(1000) < DEAD_LETTERED_PER_MILLE;
        String replayOf = i > 1000 && random.nextInt(1000) < 5 ? id(random.nextLong(i)) : null;
        boolean firstSkipped = !deadLettered && workflow.id().equals("support-ticket") && random.nextInt(4) == 0;
        String login = random.nextInt(10_000) == 0 ? "octocat" : "user" + random.nextInt(5000);
        String payload = payload(workflow, random, login, 100 + random.nextInt(401));
        String headers = switch (workflow.id()) {
            case "github-push" -> "{\"x-github-delivery\":\"" + UUID.nameUUIDFromBytes(id.getBytes(
                    StandardCharsets.UTF_8)) + "\",\"x-github-event\":\"push\"}";
            case "stripe-payment" -> "{\"stripe-signature\":\"t=" + received.getEpochSecond() + ",v1="
                    + hex(random, 32) + "\"}";
            default -> "{}";
        };
        String reason = deadLettered ? (random.nextBoolean()
                ? "retries-exhausted: the broker did not confirm the actions within 30 s"
                : "action-evaluation-failed: action 0: no such key: data") : null;
        int published = deadLettered ? 0 : firstSkipped ? 1 : 2;

        field(events, id);
        field(events, workflow.id());
        field(events, received.toString());
        field(events, dispatched.toString());
        field(events, revision);
        field(events, deadLettered ? "dead_lettered" : "dispatched");
        field(events, reason);
        field(events, replayOf);
        field(events, "00-" + hex(random, 16) + "-" + hex(random, 8) + "-01");
        field(events, "full");
        events.append("\\\\x").append(HEX.formatHex(payload.getBytes(StandardCharsets.UTF_8))).append('\t');
        field(events, headers);
        field(events, Integer.toString(published));
        events.append(dispatched.plusMillis(20 + random.nextInt(200))).append('\n');

        for (int idx = 0; idx < 2; idx++) {
            String type = idx == 0 ? workflow.firstAction() : workflow.secondAction();
            String outcome;
            String why = null;
            String params = null;
            if (deadLettered) {
                outcome = "failed";
                why = "not published: the event was dead-lettered";
            } else if (idx == 0 && firstSkipped) {
                outcome = "skipped";
            } else {
                outcome = "published";
                params = params(type, login, random);
            }
            field(actions, id);
            field(actions, Integer.toString(idx));
            field(actions, type);
            field(actions, ACTIONS_QUEUE);
            field(actions, outcome);
            field(actions, why);
            actions.append(params == null ? "\\N" : escape(params)).append('\n');
        }
        return 2;
    }

    private static String payload(Workflow workflow, SplittableRandom random, String login, int size) {
        StringBuilder p = new StringBuilder(size + 64).append('{');
        switch (workflow.id()) {
            case "github-push" -> p.append("\"ref\":\"refs/heads/").append(random.nextInt(10) == 0 ? "develop" : "main")
                    .append("\",\"repository\":{\"full_name\":\"acme/repo-").append(random.nextInt(200))
                    .append("\"},\"commits\":").append(1 + random.nextInt(5)).append(',');
            case "stripe-payment" -> p.append("\"id\":\"evt_").append(hex(random, 12))
                    .append("\",\"type\":\"payment_intent.succeeded\",\"data\":{\"customer\":\"cus_")
                    .append(hex(random, 7)).append("\",\"amount\":").append(100 + random.nextInt(100_000))
                    .append(",\"currency\":\"eur\"},");
            case "shopify-order" -> p.append("\"order_id\":").append(1_000_000 + random.nextInt(9_000_000))
                    .append(",\"email\":\"client").append(random.nextInt(50_000)).append("@example.com\",\"total\":")
                    .append(random.nextInt(500)).append('.').append(random.nextInt(10)).append(random.nextInt(10))
                    .append(',');
            case "blog-nuevo-post" -> p.append("\"slug\":\"post-").append(random.nextInt(100_000)).append("\",");
            case "support-ticket" -> p.append("\"priority\":\"")
                    .append(switch (random.nextInt(4)) { case 0 -> "low"; case 1 -> "high"; default -> "normal"; })
                    .append("\",\"subject\":\"Ticket ").append(random.nextInt(100_000)).append("\",");
            default -> p.append("\"user_id\":").append(random.nextInt(100_000)).append(',');
        }
        p.append("\"sender\":{\"login\":\"").append(login).append("\"},\"data\":\"");
        while (p.length() < size - 2) {
            p.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return p.append("\"}").toString();
    }

    private static String params(String type, String login, SplittableRandom random) {
        return switch (type) {
            case "enviar_email" -> "{\"destinatario\":\"gaby@example.com\",\"asunto\":\"¡Webhook Recibido con Éxito!\","
                    + "\"cuerpo\":\"Se ha recibido y procesado un webhook.\"}";
            case "log_evento" -> "{\"nivel\":\"info\",\"mensaje\":\"El workflow de mi-blog se ha ejecutado.\"}";
            case "notify_slack" -> "{\"channel\":\"#builds\",\"text\":\"Push by " + login + "\"}";
            case "run_ci" -> "{\"repository\":\"acme/repo-" + random.nextInt(200) + "\",\"ref\":\"refs/heads/main\"}";
            case "update_ledger" -> "{\"customer\":\"cus_" + hex(random, 7) + "\",\"amount\":\""
                    + random.nextInt(100_000) + "\"}";
            default -> "{\"ref\":\"" + random.nextInt(1_000_000) + "\"}";
        };
    }

    private static final String[] WORDS = {"lorem", "ipsum", "dolor", "sit", "amet", "webhook", "pedido", "pago",
        "entrega", "cliente", "datos", "importante", "evento", "registro", "estado", "activo"};

    private static String hex(SplittableRandom random, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return HEX.formatHex(b);
    }

    /** One tab-terminated field of COPY's text format; null as \N. */
    private static void field(StringBuilder row, String value) {
        row.append(value == null ? "\\N" : escape(value)).append('\t');
    }

    private static String escape(String value) {
        if (value.indexOf('\\') < 0 && value.indexOf('\t') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** SplittableRandom's mixing function (Stafford's variant 13): nearby inputs, unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
