package io.werken.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code bench/run --stored-events[=N]}: the journal's reads on a large journal. Loads N events (default 1,000,000)
 * made up by {@link StoredEvents} into a PostgreSQL journal database of the bench's own (Werken migrates its schema
 * first), starts Werken on it, and times the management port's reads one request at a time: {@code GET
 * /events/{event_id}} of random stored events, the first page of filtered listings, and a {@code where=} search over
 * one day's events that stops at the scan limit. Then stops Werken and drops the database (unless told to keep it).
 */
final class JournalReads {

    private static final int MANAGEMENT_PORT = SystemUnderTest.MANAGEMENT_PORT;
    private static final String RECEIVED = SystemUnderTest.RECEIVED;
    private static final String ACTIONS = SystemUnderTest.ACTIONS;
    private static final String JOURNAL = SystemUnderTest.JOURNAL;
    private static final String DLX = SystemUnderTest.DLX;
    /** The targets: p99 of a detail and of a listing's first page, and a search's time. */
    static final double READ_P99_TARGET_MS = 50;
    static final double SEARCH_TARGET_MS = 2000;
    /** A condition few stored payloads meet (about one in 10,000), so a day's search stops at the scan limit. */
    static final String WHERE = "payload.sender.login == 'octocat'";

    /** One kind of request timed: its name in the table, its target, and the path of its i-th request. */
    private record Kind(String name, double targetMs, boolean searches, IntFunction<String> path) {
    }

    /** What one kind measured. */
    private record Timed(Kind kind, long[] nanos, int failed, String firstFailure, long scannedMin, long scannedMax,
                         int stoppedAtScanLimit) {

        double percentileMillis(double p) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }

        boolean met() {
            return failed == 0 && percentileMillis(kind.searches() ? 100 : 99) < kind.targetMs();
        }
    }

    private final Path repo;
    private final String amqpUri;
    private final Path results;
    private final String postgresServer;
    private final String postgresUser;
    private final long count;
    private final int requests;
    private final String reuse;
    private final boolean keep;

    JournalReads(Path repo, String amqpUri, Path results, String postgresServer, String postgresUser,
                 Map<String, String> options) {
        this.repo = repo;
        this.amqpUri = amqpUri;
        this.results = results;
        this.postgresServer = postgresServer;
        this.postgresUser = postgresUser;
        String n = options.getOrDefault("stored-events", "true");
        this.count = n.equals("true") ? 1_000_000 : Long.parseLong(n.replace("_", ""));
        this.requests = Integer.parseInt(options.getOrDefault("read-requests", "1000"));
        this.reuse = options.get("journal-db");
        this.keep = options.containsKey("keep-journal-db") || reuse != null;
    }

    boolean run() throws Exception {
        Files.createDirectories(results);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path dataDir = results.resolve("data-" + stamp + "-stored-events");
        Path log = results.resolve("werken-" + stamp + "-stored-events.log");
        PostgresDatabase database = reuse != null ? PostgresDatabase.existing(postgresServer, postgresUser, reuse)
                : PostgresDatabase.create(postgresServer, postgresUser, "stored");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WERKEN_DATA_DIR", dataDir.toString());
        env.put("WERKEN_QUEUE_JOURNAL", JOURNAL);
        env.put("WERKEN_JOURNAL", "on");
        env.put("WERKEN_JOURNAL_URL", database.url());
        env.put("WERKEN_JOURNAL_USER", database.user());
        // Retention would start removing the oldest of the week's events as the week ends: not during the bench.
        env.put("WERKEN_JOURNAL_RETENTION", "P30D");
        Path workflows = repo.resolve("bench/journal-workflows.json");
        Process werken = null;
        JsonObject json = new JsonObject().put("date", Instant.now().toString()).put("events", count)
                .put("database", database.name()).put("cores", Runtime.getRuntime().availableProcessors());
        try {
            log("PostgreSQL database %s (%s)", database.name(), reuse != null ? "reused, kept" : keep ? "new, kept"
                    : "new, dropped at the end");
            long stored = database.countEvents();
            StoredEvents events;
            if (stored == 0) {
                // Werken migrates the schema (Flyway) and journals its workflows revision; then it is stopped for the load.
                werken = SystemUnderTest.startWerken(repo, amqpUri, log, workflows, env);
                SystemUnderTest.awaitHealthy(werken);
                String revision = awaitRevision(database);
                stop(werken);
                werken = null;
                events = new StoredEvents(count, Instant.now().minus(Duration.ofMinutes(10)), revision);
                load(database, events, json);
            } else if (stored == count) {
                log("the database holds %d events already: not loaded again", stored);
                events = existingEvents(database);
            } else {
                throw new Bench.Refused("database " + database.name() + " holds " + stored + " events, not "
                        + count + ": give --stored-events=" + stored + " or a new database");
            }
            json.put("database_bytes", database.sizeBytes());

            long spawned = System.nanoTime();
            werken = SystemUnderTest.startWerken(repo, amqpUri, results.resolve("werken-" + stamp + "-stored-events-reads.log"),
                    workflows, env);
            SystemUnderTest.awaitHealthy(werken);
            long healthyMillis = (System.nanoTime() - spawned) / 1_000_000;
            log("Werken healthy %d ms after its JVM was started, on a journal of %d events", healthyMillis, count);
            json.put("werken_startup_to_healthy_ms", healthyMillis);

            List<Timed> timed = measure(events);
            String table = table(timed, database, healthyMillis);
            System.out.println();
            System.out.println(table);
            JsonArray rows = new JsonArray();
            for (Timed t : timed) {
                rows.add(new JsonObject().put("request", t.kind().name()).put("requests", t.nanos().length)
                        .put("failed", t.failed()).put("p50_ms", t.percentileMillis(50))
                        .put("p99_ms", t.percentileMillis(99)).put("max_ms", t.percentileMillis(100))
                        .put("target_ms", t.kind().targetMs()).put("met", t.met()));
            }
            json.put("reads", rows);
            Path jsonFile = results.resolve("stored-events-" + stamp + ".json");
            Files.writeString(jsonFile, json.encodePrettily());
            System.out.println("JSON: " + repo.relativize(jsonFile));
            long errors;
            try (var lines = Files.lines(results.resolve("werken-" + stamp + "-stored-events-reads.log"))) {
                errors = lines.filter(line -> line.contains(" ERROR ")).count();
            }
            System.out.println("Werken logged " + errors + " ERROR lines");
            boolean ok = errors == 0 && timed.stream().allMatch(t -> t.failed() == 0);
            if (!ok) {
                System.out.println("FAILED: a read failed or Werken logged errors");
            }
            return ok;
        } finally {
            if (werken != null) {
                stop(werken);
            }
            try (Broker broker = new Broker(amqpUri)) {
                broker.deleteQueues(RECEIVED, RECEIVED + ".dlq", ACTIONS, JOURNAL);
                broker.deleteExchange(DLX);
            }
            if (keep) {
                log("kept PostgreSQL database %s: bench/run --stored-events=%d --journal-db=%s reuses it; "
                    + "psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE %s' removes it", database.name(), count,
                    database.name(), database.name());
                database.connection().close();
            } else {
                database.close();
            }
            SystemUnderTest.deleteTree(dataDir);
        }
    }

    /** The revision Werken journaled at its start (its workflows file's), waited for at most 30 s. */
    private static String awaitRevision(PostgresDatabase database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Statement statement = database.connection().createStatement();
                 ResultSet rows = statement.executeQuery("SELECT revision FROM journal_revisions ORDER BY loaded_at DESC")) {
                if (rows.next()) {
                    return rows.getString(1);
                }
            } catch (SQLException notYet) {
                // the schema is being migrated
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("Werken journaled no workflows revision within 30 s");
    }

    /** The generator of a database loaded before: its revision and the time of its oldest event. */
    private StoredEvents existingEvents(PostgresDatabase database) throws SQLException {
        try (Statement statement = database.connection().createStatement();
             ResultSet rows = statement.executeQuery("SELECT min(received_at), (SELECT workflow_revision FROM"
                     + " journal_events LIMIT 1) FROM journal_events")) {
            rows.next();
            Instant first = rows.getTimestamp(1).toInstant();
            return new StoredEvents(count, first.plus(StoredEvents.SPAN), rows.getString(2));
        }
    }

    /**
     * COPY into the tables without their secondary indexes, then the indexes built again from their own definitions
     * (as Flyway made them), then VACUUM ANALYZE: the state autovacuum would bring a journal to.
     */
    private void load(PostgresDatabase database, StoredEvents events, JsonObject json) throws Exception {
        Map<String, String> indexes = database.secondaryIndexes(List.of("journal_events", "journal_actions"));
        for (String index : indexes.keySet()) {
            database.execute("DROP INDEX " + index);
        }
        log("loading %d events (2 actions each) with COPY, %s to %s; secondary indexes dropped meanwhile: %s", count,
            events.first(), events.last(), String.join(", ", indexes.keySet()));
        long t0 = System.nanoTime();
        long actions = events.copyInto(database.url(), database.user(),
                n -> log("... %d events", n));
        long t1 = System.nanoTime();
        database.execute("SET maintenance_work_mem = '256MB'");
        for (String definition : indexes.values()) {
            database.execute(definition);
        }
        long t2 = System.nanoTime();
        database.execute("VACUUM ANALYZE journal_events", "VACUUM ANALYZE journal_actions");
        long t3 = System.nanoTime();
        log("loaded %d events and %d actions: COPY %.1f s (%.0f events/s), indexes %.1f s, VACUUM ANALYZE %.1f s; "
            + "database %.0f MB", count, actions, (t1 - t0) / 1e9, count / ((t1 - t0) / 1e9), (t2 - t1) / 1e9,
            (t3 - t2) / 1e9, database.sizeBytes() / 1e6);
        json.put("load", new JsonObject().put("actions", actions).put("copy_seconds", (t1 - t0) / 1e9)
                .put("index_seconds", (t2 - t1) / 1e9).put("vacuum_analyze_seconds", (t3 - t2) / 1e9));
    }

    /** Each kind of read: a warm-up (not counted), then the timed requests, one at a time. */
    private List<Timed> measure(StoredEvents events) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        SplittableRandom random = new SplittableRandom(42);
        List<StoredEvents.Workflow> workflows = StoredEvents.WORKFLOWS;
        // Whole days of the stored week, newest first: day d is the 24 hours ending d days before the newest event.
        Instant newest = events.last().truncatedTo(ChronoUnit.SECONDS);
        IntFunction<String> day = i -> {
            int d = 1 + i % 5;
            Instant until = newest.minus(Duration.ofDays(d));
            return "since=" + until.minus(Duration.ofDays(1)) + "&until=" + until;
        };
        List<Kind> kinds = List.of(
                new Kind("GET /events/{event_id}, a random stored event", READ_P99_TARGET_MS, false,
                        i -> "/events/" + events.id(random.nextLong(count))),
                new Kind("GET /events (newest first, no filter)", READ_P99_TARGET_MS, false, i -> "/events"),
                new Kind("GET /events?workflow=W", READ_P99_TARGET_MS, false,
                        i -> "/events?workflow=" + workflows.get(i % workflows.size()).id()),
                new Kind("GET /events?outcome=dead_lettered", READ_P99_TARGET_MS, false,
                        i -> "/events?outcome=dead_lettered"),
                new Kind("GET /events?workflow=W&outcome=dead_lettered&action_type=T (T an action of W)",
                        READ_P99_TARGET_MS, false, i -> {
                            StoredEvents.Workflow w = workflows.get(i % workflows.size());
                            return "/events?workflow=" + w.id() + "&outcome=dead_lettered&action_type="
                                   + (i / workflows.size() % 2 == 0 ? w.firstAction() : w.secondAction());
                        }),
                new Kind("GET /events?action_type=T", READ_P99_TARGET_MS, false,
                        i -> "/events?action_type=" + workflows.get(i % workflows.size()).firstAction()),
                new Kind("GET /events?workflow=W&since=…&until=… (one day)", READ_P99_TARGET_MS, false,
                        i -> "/events?workflow=" + workflows.get(i % workflows.size()).id() + "&" + day.apply(i)),
                new Kind("GET /events?since=…&until=…&where=" + WHERE + " (one day, stops at the scan limit)",
                        SEARCH_TARGET_MS, true, i -> "/events?" + day.apply(i) + "&where="
                        + URLEncoder.encode(WHERE, StandardCharsets.UTF_8).replace("+", "%20")));
        // Warm-up of every kind first; then the kinds take turns, request by request (a search every 50 rounds), so
        // that whatever else the machine does meanwhile falls on all of them alike.
        int searches = Math.max(5, requests / 50);
        for (Kind kind : kinds) {
            int warm = kind.searches() ? 3 : Math.max(20, requests / 5);
            for (int i = 0; i < warm; i++) {
                send(http, kind.path().apply(requests + i));
            }
        }
        Map<Kind, long[]> nanos = new LinkedHashMap<>();
        Map<Kind, Integer> done = new LinkedHashMap<>();
        int[] failed = new int[kinds.size()];
        String[] firstFailure = new String[kinds.size()];
        long scannedMin = Long.MAX_VALUE;
        long scannedMax = 0;
        int stopped = 0;
        for (Kind kind : kinds) {
            nanos.put(kind, new long[kind.searches() ? searches : requests]);
            done.put(kind, 0);
        }
        int every = Math.max(1, requests / searches);
        for (int round = 0; round < requests; round++) {
            for (int k = 0; k < kinds.size(); k++) {
                Kind kind = kinds.get(k);
                int i = done.get(kind);
                if (i == nanos.get(kind).length || kind.searches() && round % every != 0) {
                    continue;
                }
                String path = kind.path().apply(i);
                long t0 = System.nanoTime();
                HttpResponse<String> response = send(http, path);
                nanos.get(kind)[i] = System.nanoTime() - t0;
                done.put(kind, i + 1);
                if (response.statusCode() != 200) {
                    failed[k]++;
                    if (firstFailure[k] == null) {
                        firstFailure[k] = path + ": " + response.statusCode() + " " + response.body();
                    }
                } else if (kind.searches()) {
                    JsonObject answer = new JsonObject(response.body());
                    long scanned = answer.getLong("scanned", 0L);
                    scannedMin = Math.min(scannedMin, scanned);
                    scannedMax = Math.max(scannedMax, scanned);
                    if (answer.getBoolean("stopped_at_scan_limit", false)) {
                        stopped++;
                    }
                }
            }
        }
        List<Timed> timed = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
            Kind kind = kinds.get(k);
            long[] times = Arrays.copyOf(nanos.get(kind), done.get(kind));
            Timed t = kind.searches()
                    ? new Timed(kind, times, failed[k], firstFailure[k], scannedMin == Long.MAX_VALUE ? 0 : scannedMin,
                                scannedMax, stopped)
                    : new Timed(kind, times, failed[k], firstFailure[k], 0, 0, 0);
            timed.add(t);
            log("%s: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms%s%s", kind.name(), times.length,
                t.percentileMillis(50), t.percentileMillis(99), t.percentileMillis(100), failed[k] == 0 ? ""
                    : ", " + failed[k] + " failed: " + firstFailure[k], kind.searches() ? String.format(Locale.ROOT,
                    "; scanned %d to %d, %d of %d stopped at the scan limit", t.scannedMin(), t.scannedMax(),
                    t.stoppedAtScanLimit(), times.length) : "");
        }
        return timed;
    }

    private static HttpResponse<String> send(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String table(List<Timed> timed, PostgresDatabase database, long healthyMillis)
            throws SQLException {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Journal reads on %,d stored events (PostgreSQL, %d MB), %s UTC: %d cores, "
                + "Java %s; Werken healthy %d ms after its start on them; one request at a time on the management "
                + "port%n%n", count, database.sizeBytes() / 1_000_000,
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(Instant.now()),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), healthyMillis));
        s.append("| request | requests | p50 ms | p99 ms | max ms | target | |\n");
        s.append("|---|---:|---:|---:|---:|---|---|\n");
        for (Timed t : timed) {
            s.append(String.format(Locale.ROOT, "| %s | %d%s | %.1f | %.1f | %.1f | %s | %s |%n", t.kind().name(),
                    t.nanos().length, t.failed() == 0 ? "" : " (" + t.failed() + " failed)", t.percentileMillis(50),
                    t.percentileMillis(99), t.percentileMillis(100),
                    t.kind().searches() ? String.format(Locale.ROOT, "each < %.0f ms", t.kind().targetMs())
                            : String.format(Locale.ROOT, "p99 < %.0f ms", t.kind().targetMs()),
                    t.met() ? "met" : "**missed**"));
        }
        for (Timed t : timed) {
            if (t.kind().searches()) {
                s.append(String.format(Locale.ROOT, "%nThe search looked at %d to %d stored events per request; %d of "
                        + "%d requests stopped at the scan limit (WERKEN_JOURNAL_SCAN_LIMIT, default 10,000).%n",
                        t.scannedMin(), t.scannedMax(), t.stoppedAtScanLimit(), t.nanos().length));
            }
        }
        return s.toString();
    }

    private static void stop(Process werken) throws InterruptedException {
        werken.destroy();
        if (!werken.waitFor(40, TimeUnit.SECONDS)) {
            werken.destroyForcibly();
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
