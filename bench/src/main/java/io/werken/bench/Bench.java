package io.werken.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.json.JsonObject;

import static io.werken.bench.SystemUnderTest.ACTIONS;
import static io.werken.bench.SystemUnderTest.DLX;
import static io.werken.bench.SystemUnderTest.HTTP_PORT;
import static io.werken.bench.SystemUnderTest.JOURNAL;
import static io.werken.bench.SystemUnderTest.MANAGEMENT_PORT;
import static io.werken.bench.SystemUnderTest.RECEIVED;
import static io.werken.bench.SystemUnderTest.WERKEN_ACCEPTED;
import static io.werken.bench.SystemUnderTest.awaitHealthy;
import static io.werken.bench.SystemUnderTest.deleteTree;
import static io.werken.bench.SystemUnderTest.javaBin;
import static io.werken.bench.SystemUnderTest.startWerken;

/**
 * Werken's benchmark: the broker's own ceiling (RabbitMQ PerfTest), then Werken started as a user starts it and
 * loaded with exactly N webhooks at concurrency C per scenario, every figure reported beside that ceiling.
 * <p>
 * With {@code --original[=DIR]} the same run first measures the original design (FastAPI ingestor + pika engine,
 * {@code shared/peers/original-python}) under the same load for every scenario whose workflow it has, before Werken
 * is started, and reports Werken's figures divided by the original's.
 * <p>
 * Run it with {@code bench/run} from the repository root; {@code bench/README.md} explains each figure.
 * <p>
 * This class runs the scenarios and measures them; its parts are {@link BenchOptions} (the arguments),
 * {@link SystemUnderTest} (Werken's process, its ports and queues, the broker's process), {@link OriginalDesign} (the
 * peer it is compared with) and {@link BenchReport} (the tables and the JSON). It is a tool, not part of Werken's Camel
 * application: it starts OS processes and waits for them by polling on the main thread, and creates no threads of its
 * own ({@link LoadGenerator}'s load runs on a Vert.x event loop), so Camel's {@code ExecutorServiceManager} has no
 * place here.
 */
public final class Bench {

    /** Issue 24: Werken on its embedded broker ingests at least half as fast as on RabbitMQ, in the same run. */
    private static final double EMBEDDED_INGEST_TARGET = 0.5;
    private static final String SMALL_BODY = "{\"user_id\": 123, \"data\": \"some important data\"}";

    /** One load shape: which workflow, how many actions it has, and the body each webhook carries. */
    record Scenario(String name, String workflow, int actions, byte[] body) {
    }

    /**
     * What one scenario measured on one system. {@code cpu} and {@code peakRssMib} are the system's processes summed
     * (Werken's JVM; the original's ingestor and engine); {@code cpuByPart} splits that CPU by thread kind (Werken) or
     * by process (the original).
     */
    record Figures(String system, Scenario scenario, LoadGenerator.Result load, long expectedActions, long foundActions,
                   double endToEndSeconds, double cpu, double brokerCpu, double peakRssMib,
                   Map<String, Double> cpuByPart, Journaled journal) {

        double endToEndActionsPerSecond() {
            return foundActions / endToEndSeconds;
        }

        long lost() {
            return Math.max(0, expectedActions - foundActions);
        }

        double cpuMsPerWebhook() {
            return cpu * 1000 / load.sent();
        }

        double brokerCpuMsPerWebhook() {
            return brokerCpu * 1000 / load.sent();
        }
    }

    /**
     * What a journal scenario's journal did: its events against the webhooks accepted (and the check of their ids),
     * how long after the load's last answer and after the last action it held them all, what its database's own
     * processes spent (PostgreSQL; H2 runs inside Werken), and its size on disk at the end.
     */
    record Journaled(String store, long expected, long found, long idsChecked, long idsFound, double caughtUpAfterLoadMs,
                     double caughtUpAfterActionsMs, double databaseCpu, Map<String, Double> databaseCpuByPart,
                     long sizeBytes, long eventsStored) {

        long missing() {
            return Math.max(0, expected - found) + (idsChecked - idsFound);
        }

        double databaseCpuMsPerWebhook(int webhooks) {
            return databaseCpu * 1000 / webhooks;
        }
    }

    /** Where Werken's journal goes in one of its runs: off, a PostgreSQL database of the bench's own, or its H2 file. */
    enum JournalKind {
        OFF("off"), POSTGRESQL("on PostgreSQL"), H2("on H2 (embedded)");

        final String label;

        JournalKind(String label) {
            this.label = label;
        }
    }

    /** One Werken process and what it measured: its label in the tables, its journal, its start, its scenarios. */
    record WerkenRun(String system, JournalKind journal, boolean before, long startupMillis, List<Figures> figures,
                     Map<String, Double> threadCpu, Path log) {
    }

    /**
     * The system the load is sent to: its label, its OS processes by name, the queue its actions land in, and how the
     * journal is watched (null: no journal).
     */
    record Target(String system, Map<String, Long> processes, String actionsQueue, boolean byThread,
                          JournalWatch journal) {
    }

    /** The bench will not run as asked, and says why in one line (a missing package, queues in use). */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    private final int requests;
    private final int concurrency;
    private final int warmup;
    private final int perfTestSeconds;
    private final int scenarioCount;
    private final String amqpUri;
    private final String rabbitNode;
    private final Path repo;
    private final Path results;
    /** The original design to measure before Werken ({@code --original}), or null. */
    private final OriginalDesign original;
    /** With the journal scenarios: how many of the scenarios they run (from the first); 0 with --no-journal. */
    private final int journalScenarioCount;
    private final String postgresServer;
    private final String postgresUser;
    /** Werken's event log (WERKEN_EVENT_LOG) in every Werken of the run: off (as in every table so far) or on. */
    private final boolean eventLog;
    /** Webhooks the running Werken accepted so far: the events its journal must come to hold. */
    private long journalAccepted;
    /** The cold run's warm-up ({@code --cold-warmup}): a fresh Werken measured after only this many webhooks. */
    private final int coldWarmup;
    /** {@code --cold-only}: only the cold run (no PerfTest, original, journal, steady or embedded runs), for A/B runs. */
    private final boolean coldOnly;
    /**
     * {@code --journal-rounds=N}: the journal on PostgreSQL measured N times, each between two runs with it off (the
     * first round is the usual one; each later one adds a run with it on and one with it off), for the median and the
     * noise across rounds.
     */
    private final int journalRounds;
    /** {@code --journal-only}: only the journal's rounds (no PerfTest, original, H2, other scenarios, cold or embedded). */
    private final boolean journalOnly;
    /**
     * {@code --rate=R}: the measured runs send R webhooks a second (at most {@code --concurrency} in flight) instead of
     * as fast as answered, so that runs compare at the same throughput; 0 (the default): closed loop.
     */
    private final double rate;

    private Bench(BenchOptions options) {
        this.requests = options.requests();
        this.concurrency = options.concurrency();
        this.warmup = options.warmup();
        this.perfTestSeconds = options.perfTestSeconds();
        this.scenarioCount = options.scenarioCount();
        this.amqpUri = options.amqpUri();
        this.rabbitNode = options.rabbitNode();
        this.repo = options.repo();
        this.results = options.results();
        this.original = options.original();
        this.journalScenarioCount = options.journalScenarioCount();
        this.postgresServer = options.postgresServer();
        this.postgresUser = options.postgresUser();
        this.eventLog = options.eventLog();
        this.coldWarmup = Integer.parseInt(options.all().getOrDefault("cold-warmup", options.smoke() ? "100" : "2000"));
        this.coldOnly = options.all().containsKey("cold-only");
        this.journalRounds = Integer.parseInt(options.all().getOrDefault("journal-rounds", "1"));
        this.journalOnly = options.all().containsKey("journal-only");
        this.rate = Double.parseDouble(options.all().getOrDefault("rate", "0"));
        if (journalRounds < 1) {
            throw new IllegalArgumentException("--journal-rounds=" + journalRounds + ": at least 1");
        }
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        Bench bench = new Bench(options);
        boolean ok;
        try {
            // --stored-events: the journal's reads on a large stored journal, instead of the webhook scenarios.
            ok = options.all().containsKey("stored-events") ? new JournalReads(bench.repo, bench.amqpUri, bench.results,
                    bench.postgresServer, bench.postgresUser, options.all()).run() : bench.run(options.smoke());
        } catch (Refused refused) {
            System.out.println("bench: " + refused.getMessage());
            ok = false;
        }
        System.exit(ok ? 0 : 1);
    }

    private boolean run(boolean smoke) throws Exception {
        Files.createDirectories(results);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        List<Scenario> all = List.of(
                new Scenario("mi-workflow, 2 actions", "mi-workflow", 2, SMALL_BODY.getBytes(StandardCharsets.UTF_8)),
                // The same two actions and body, with three templates and a condition (bench/workflows.json).
                new Scenario("templated, 2 actions", "bench-templated", 2, SMALL_BODY.getBytes(StandardCharsets.UTF_8)),
                new Scenario("10 actions", "bench-ten-actions", 10, SMALL_BODY.getBytes(StandardCharsets.UTF_8)),
                new Scenario("16 KB payload, 2 actions", "mi-workflow", 2, payloadOf(16 * 1024)));
        List<Scenario> scenarios = all.subList(0, Math.min(all.size(), scenarioCount));
        if (coldOnly) {
            // Nothing else: no PostgreSQL or original is needed.
            return runColdOnly(scenarios.get(0), stamp, smoke);
        }
        List<Scenario> originalScenarios = original == null ? List.of() : original.scenarios(scenarios);
        List<Scenario> journalScenarios = scenarios.subList(0, Math.min(scenarios.size(), journalScenarioCount));
        if (!journalScenarios.isEmpty()) {
            // A PostgreSQL the bench can make databases on, checked before spending the PerfTest run.
            PostgresDatabase.create(postgresServer, postgresUser, "check").close();
            log("journal scenarios: %s, with the journal off, on PostgreSQL (%s, a database of the bench's own) and on "
                + "H2 (embedded, under bench/results)", journalScenarios.stream().map(Scenario::name)
                    .collect(java.util.stream.Collectors.joining("; ")), postgresServer);
        }
        if (original != null) {
            // Everything that would stop the original's part, checked before spending the PerfTest run on it.
            original.checkCanRun();
            log("%s at %s: %d of the scenarios (%s)", original.label(), original.dir(), originalScenarios.size(),
                originalScenarios.stream().map(Scenario::name).collect(java.util.stream.Collectors.joining("; ")));
        }

        log("Werken's event log (an INFO line per accepted webhook and per dispatched event): %s (--event-log=on|off)",
            eventLog ? "on" : "off");
        long brokerPid = SystemUnderTest.brokerPid(rabbitNode);
        if (journalOnly) {
            return runJournalOnly(journalScenarios, brokerPid, stamp, smoke);
        }
        log("broker ceiling: RabbitMQ PerfTest, 1 producer, 1 consumer, persistent, confirms, manual ack, %d s",
            perfTestSeconds);
        double ceiling = perfTestCeiling();
        log("broker ceiling: %.0f msg/s", ceiling);

        // The original first, stopped and its queues deleted before Werken starts: never both running at once.
        OriginalDesign.Run originalRun = originalScenarios.isEmpty() ? null
                : original.measure(originalScenarios, brokerPid, stamp, this::measure);

        // The journal's cost: Werken with the journal off, on PostgreSQL, on H2, and off again with every scenario
        // (the figures every earlier run gave, the journal not existing then), each a Werken of its own. The two runs
        // with the journal off bracket the two with it on, so that a drift of the machine's speed shows, and the
        // journal's figures are compared with their mean. --smoke skips the first.
        List<WerkenRun> runs = new ArrayList<>();
        if (!journalScenarios.isEmpty() && !smoke) {
            runs.add(runWerken("Werken, journal off, before", JournalKind.OFF, true, journalScenarios, brokerPid, stamp));
        }
        if (!journalScenarios.isEmpty()) {
            runs.add(runWerken("Werken, journal on PostgreSQL", JournalKind.POSTGRESQL, false, journalScenarios,
                    brokerPid, stamp));
            runs.add(runWerken("Werken, journal on H2", JournalKind.H2, false, journalScenarios, brokerPid, stamp));
        }
        WerkenRun main = runWerken("Werken", JournalKind.OFF, false, scenarios, brokerPid, stamp);
        runs.add(main);
        if (!journalScenarios.isEmpty() && !smoke) {
            runs.addAll(laterRounds(journalScenarios, brokerPid, stamp));
        }
        WerkenRun cold = runCold(scenarios.get(0), brokerPid, stamp);
        String rabbitVersion;
        try (Broker broker = new Broker(amqpUri)) {
            rabbitVersion = broker.version();
        }
        List<Figures> figures = main.figures();
        long startupMillis = main.startupMillis();

        Embedded embedded = runEmbedded(scenarios.get(0), stamp);
        double rabbitMqPeak = figures.stream().mapToDouble(Figures::peakRssMib).max().orElse(Double.NaN);
        // Issue 24: the embedded broker's ingest (a first run, no warm-up) against the Werken row's on RabbitMQ, same
        // scenario, same run, the same measure (webhooks answered per second from the first request to the last).
        double embeddedIngest = embedded.load().requestsPerSecond();
        double rabbitMqIngest = figures.get(0).load().requestsPerSecond();
        double embeddedRatio = embeddedIngest / rabbitMqIngest;
        boolean embeddedRatioMet = embeddedRatio >= EMBEDDED_INGEST_TARGET;

        String table = BenchReport.table(runs, scenarios, originalRun, ceiling, startupMillis, rabbitVersion, smoke);
        System.out.println();
        System.out.println(table);
        System.out.printf(Locale.ROOT, "Peak RSS by broker, the journal off: RabbitMQ %.0f MiB (the Werken rows), embedded "
                          + "broker %.0f MiB (%d webhooks of %s at concurrency %d, %.0f webhooks/s accepted)%n",
                          rabbitMqPeak, embedded.peakRssMib(), embedded.load().sent(), embedded.scenario().name(),
                          concurrency, embedded.load().accepted() / embedded.seconds());
        System.out.printf(Locale.ROOT, "Embedded broker ingest ÷ Werken on RabbitMQ (%s): %.0f ÷ %.0f webhooks/s = %.2f, "
                          + "target at least %.1f: %s%n%n", embedded.scenario().name(), embeddedIngest, rabbitMqIngest,
                          embeddedRatio, EMBEDDED_INGEST_TARGET, embeddedRatioMet ? "met" : "MISSED");
        System.out.println(BenchReport.coldTable(cold, coldWarmup, main.figures().get(0), warmup,
                originalRun == null ? null : originalRun.figures().stream()
                        .filter(o -> o.scenario().name().equals(scenarios.get(0).name())).findFirst().orElse(null)));
        if (runs.size() > 1) {
            System.out.println(JournalCosts.table(runs, journalScenarios, smoke));
        }
        for (WerkenRun run : runs) {
            System.out.println(run.system() + " CPU seconds by thread, whole run: " + run.threadCpu().entrySet()
                    .stream().limit(12)
                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        JsonObject json = BenchReport.json(figures, originalRun, ceiling, startupMillis, rabbitVersion, smoke)
                .put("werken_cpu_seconds_by_thread", new JsonObject(new java.util.LinkedHashMap<>(main.threadCpu())))
                .put("werken_event_log", eventLog);
        if (runs.size() > 1) {
            json.put("journal", JournalCosts.json(runs, journalScenarios));
        }
        json.put("cold", BenchReport.coldJson(cold, coldWarmup, main.figures().get(0)));
        json.put("peak_rss_mib_by_broker", new JsonObject().put("rabbitmq", rabbitMqPeak)
                .put("embedded", embedded.peakRssMib()).put("embedded_webhooks", embedded.load().sent())
                .put("embedded_accepted_per_second", embedded.load().accepted() / embedded.seconds()));
        json.put("embedded_ingest", new JsonObject().put("scenario", embedded.scenario().name())
                .put("embedded_webhooks_per_second", embeddedIngest).put("rabbitmq_webhooks_per_second", rabbitMqIngest)
                .put("ratio", embeddedRatio).put("target", EMBEDDED_INGEST_TARGET).put("met", embeddedRatioMet));
        Path jsonFile = results.resolve("bench-" + stamp + ".json");
        Files.writeString(jsonFile, json.encodePrettily());
        System.out.println("JSON: " + repo.relativize(jsonFile));

        long errors = 0;
        for (WerkenRun run : runs) {
            long inRun = errorLines(run);
            errors += inRun;
            System.out.println(run.system() + " logged " + inRun + " ERROR lines (" + repo.relativize(run.log()) + ")");
        }
        if (originalRun != null) {
            for (Figures f : originalRun.figures()) {
                if (f.lost() > 0 || f.load().failed() > 0) {
                    System.out.printf(Locale.ROOT, "%s, %s: %d webhooks refused, %d actions lost (not counted in "
                                      + "the exit code, which is Werken's alone)%n", f.system(), f.scenario().name(),
                                      f.load().failed(), f.lost());
                }
            }
        }
        // The exit code is Werken's: whatever the original lost or refused is only printed.
        boolean ok = embedded.load().failed() == 0 && coldOk(cold)
                && nothingMissing(runs) && errors == 0;
        if (!ok) {
            System.out.println("FAILED: webhooks were refused, actions or journal entries are missing, or Werken "
                               + "logged errors");
        }
        return ok;
    }

    /** {@code --journal-only}: the journal's rounds alone, their table, and whether nothing was lost. */
    private boolean runJournalOnly(List<Scenario> journalScenarios, long brokerPid, String stamp, boolean smoke)
            throws Exception {
        if (journalScenarios.isEmpty()) {
            throw new IllegalArgumentException("--journal-only needs the journal (not --no-journal)");
        }
        List<WerkenRun> runs = new ArrayList<>();
        runs.add(runWerken("Werken, journal off, before", JournalKind.OFF, true, journalScenarios, brokerPid, stamp));
        runs.add(runWerken("Werken, journal on PostgreSQL", JournalKind.POSTGRESQL, false, journalScenarios, brokerPid,
                stamp));
        runs.add(runWerken("Werken", JournalKind.OFF, false, journalScenarios, brokerPid, stamp));
        runs.addAll(laterRounds(journalScenarios, brokerPid, stamp));
        System.out.println();
        System.out.println(JournalCosts.table(runs, journalScenarios, smoke));
        long errors = 0;
        for (WerkenRun run : runs) {
            errors += errorLines(run);
        }
        boolean ok = errors == 0 && nothingMissing(runs);
        if (!ok) {
            System.out.println("FAILED: webhooks were refused, actions or journal entries are missing, or Werken "
                               + "logged errors");
        }
        return ok;
    }

    /** The ERROR lines in a run's Werken log. */
    private static long errorLines(WerkenRun run) throws java.io.IOException {
        try (var lines = Files.lines(run.log())) {
            return lines.filter(line -> line.contains(" ERROR ")).count();
        }
    }

    /** Every webhook of the runs accepted, every action found, and every accepted event in the journal. */
    private static boolean nothingMissing(List<WerkenRun> runs) {
        return runs.stream().flatMap(run -> run.figures().stream()).allMatch(f -> f.lost() == 0
                && f.load().failed() == 0 && (f.journal() == null || f.journal().missing() == 0));
    }

    /** Rounds 2 to {@code --journal-rounds}: each a Werken with the journal on PostgreSQL, then one with it off. */
    private List<WerkenRun> laterRounds(List<Scenario> journalScenarios, long brokerPid, String stamp)
            throws Exception {
        List<WerkenRun> runs = new ArrayList<>();
        for (int round = 2; round <= journalRounds; round++) {
            runs.add(runWerken("Werken, journal on PostgreSQL, round " + round, JournalKind.POSTGRESQL, false,
                    journalScenarios, brokerPid, stamp, warmup, true, "-round" + round));
            runs.add(runWerken("Werken, journal off, round " + round, JournalKind.OFF, false, journalScenarios,
                    brokerPid, stamp, warmup, true, "-off-round" + round));
        }
        return runs;
    }

    /**
     * Starts a Werken with its journal as {@code journal} says (a fresh PostgreSQL database of the bench's own, or H2
     * in a data directory of its own under bench/results), measures {@code scenarios}, stops it, and deletes its
     * queues, its database and its data directory, whatever happened.
     */
    private WerkenRun runWerken(String system, JournalKind journal, boolean before, List<Scenario> scenarios,
                                long brokerPid, String stamp) throws Exception {
        return runWerken(system, journal, before, scenarios, brokerPid, stamp, warmup, true, "");
    }

    /**
     * As above, each scenario measured after {@code warmupCount} webhooks of warm-up; {@code steady}: and then after
     * the JIT is done (the steady state), else right after the warm-up (the cold run, its log named -cold).
     */
    private WerkenRun runWerken(String system, JournalKind journal, boolean before, List<Scenario> scenarios,
                                long brokerPid, String stamp, int warmupCount, boolean steady, String round)
            throws Exception {
        String suffix = (!steady ? "-cold" : switch (journal) {
            case OFF -> before ? "-journal-off-before" : "";
            case POSTGRESQL -> "-journal-postgresql";
            case H2 -> "-journal-h2";
        }) + round;
        Path werkenLog = results.resolve("werken-" + stamp + suffix + ".log");
        Path dataDir = results.resolve("data-" + stamp + suffix);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WERKEN_DATA_DIR", dataDir.toString());
        env.put("WERKEN_QUEUE_JOURNAL", JOURNAL);
        // The bench's Werken logs at WARN, which turns the event log off with it unless it is asked for.
        env.put("WERKEN_EVENT_LOG", eventLog ? "INFO" : "OFF");
        PostgresDatabase database = null;
        Process werken = null;
        journalAccepted = 0;
        try (Broker broker = new Broker(amqpUri)) {
            broker.deleteQueues(RECEIVED, RECEIVED + ".dlq", ACTIONS, JOURNAL);
            JournalWatch watch = null;
            switch (journal) {
                case OFF -> env.put("WERKEN_JOURNAL", "off");
                case POSTGRESQL -> {
                    database = PostgresDatabase.create(postgresServer, postgresUser, "journal");
                    env.put("WERKEN_JOURNAL", "on");
                    env.put("WERKEN_JOURNAL_URL", database.url());
                    env.put("WERKEN_JOURNAL_USER", database.user());
                    watch = JournalWatch.postgres(database);
                    log("%s: PostgreSQL database %s", system, database.name());
                }
                case H2 -> {
                    env.put("WERKEN_JOURNAL", "on");
                    watch = JournalWatch.embedded(MANAGEMENT_PORT, dataDir);
                }
            }
            // Startup is timed on a quiet broker, not on the tail of PerfTest's, the original's or another run's.
            awaitQuietBroker(brokerPid);
            long spawned = System.nanoTime();
            werken = startWerken(repo, amqpUri, werkenLog, repo.resolve("bench/workflows.json"), env);
            awaitHealthy(werken);
            long startupMillis = (System.nanoTime() - spawned) / 1_000_000;
            log("%s healthy %d ms after its JVM was started (pid %d)", system, startupMillis, werken.pid());

            Target target = new Target(system, Map.of("Werken", werken.pid()), ACTIONS, true, watch);
            List<Figures> figures = new ArrayList<>();
            try (LoadGenerator generator = new LoadGenerator(HTTP_PORT, concurrency, WERKEN_ACCEPTED)) {
                for (Scenario scenario : scenarios) {
                    figures.add(measure(target, scenario, generator, broker, brokerPid, warmupCount, steady));
                }
            }
            Map<String, Double> threadCpu = ProcessStats.cpuSecondsByThread(werken.pid(),
                    ProcessStats.javaThreadNames(werken.pid()));
            return new WerkenRun(system, journal, before, startupMillis, figures, threadCpu, werkenLog);
        } finally {
            if (werken != null) {
                werken.destroy();
                if (!werken.waitFor(40, TimeUnit.SECONDS)) {
                    werken.destroyForcibly();
                }
            }
            try (Broker broker = new Broker(amqpUri)) {
                broker.deleteQueues(RECEIVED, RECEIVED + ".dlq", ACTIONS, JOURNAL);
                broker.deleteExchange(DLX);
            }
            if (database != null) {
                database.close();
            }
            if (journal == JournalKind.H2) {
                log("%s: the embedded journal's files take %.1f MB once Werken has stopped", system,
                    JournalWatch.embedded(MANAGEMENT_PORT, dataDir).sizeBytes() / 1e6);
            }
            deleteTree(dataDir);
        }
    }

    /**
     * Issue 24's cold figure: a Werken started afresh (journal off) and measured on {@code scenario} after only
     * {@code --cold-warmup} webhooks of warm-up, the JIT still compiling: what a restarted or newly scaled-out
     * instance gives in its first minute, beside the steady state of the other runs.
     */
    private WerkenRun runCold(Scenario scenario, long brokerPid, String stamp) throws Exception {
        return runWerken(String.format(Locale.ROOT, "Werken, cold (%,d warm-up)", coldWarmup), JournalKind.OFF, false,
                List.of(scenario), brokerPid, stamp, coldWarmup, false, "");
    }

    /** The cold run's webhooks all accepted, its actions all found and its log free of ERROR lines. */
    private boolean coldOk(WerkenRun cold) throws java.io.IOException {
        long errors;
        try (var lines = Files.lines(cold.log())) {
            errors = lines.filter(line -> line.contains(" ERROR ")).count();
        }
        System.out.println(cold.system() + " logged " + errors + " ERROR lines (" + repo.relativize(cold.log()) + ")");
        return errors == 0 && cold.figures().stream().allMatch(f -> f.lost() == 0 && f.load().failed() == 0);
    }

    /** {@code --cold-only}: the cold run alone, its row and JSON (for A/B runs of JVM options, bench/README.md). */
    private boolean runColdOnly(Scenario scenario, String stamp, boolean smoke) throws Exception {
        long brokerPid = SystemUnderTest.brokerPid(rabbitNode);
        WerkenRun cold = runCold(scenario, brokerPid, stamp);
        System.out.println();
        System.out.println(BenchReport.coldTable(cold, coldWarmup, null, warmup, null));
        JsonObject json = new JsonObject().put("date", Instant.now().toString()).put("smoke", smoke)
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("werken_java_options", System.getenv().getOrDefault("BENCH_WERKEN_JAVA_OPTS", ""))
                .put("cold", BenchReport.coldJson(cold, coldWarmup, null));
        Path jsonFile = results.resolve("bench-" + stamp + "-cold.json");
        Files.writeString(jsonFile, json.encodePrettily());
        System.out.println("JSON: " + repo.relativize(jsonFile));
        boolean ok = coldOk(cold);
        if (!ok) {
            System.out.println("FAILED: webhooks were refused, actions are missing, or Werken logged errors");
        }
        return ok;
    }

    /** What Werken on its embedded broker measured: its peak RSS under the load of one scenario. */
    private record Embedded(Scenario scenario, LoadGenerator.Result load, double seconds, double peakRssMib) {
    }

    /**
     * Werken on its embedded broker (no WERKEN_RABBITMQ_URI), the journal off, its data under bench/results (deleted):
     * at most 3,000 webhooks of {@code scenario} (the embedded broker is far slower than RabbitMQ), for its peak RSS
     * beside the RabbitMQ rows'. Nothing of it touches RabbitMQ.
     */
    private Embedded runEmbedded(Scenario scenario, String stamp) throws Exception {
        Path werkenLog = results.resolve("werken-" + stamp + "-embedded.log");
        Path dataDir = results.resolve("data-" + stamp + "-embedded");
        int amqpPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            amqpPort = free.getLocalPort();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WERKEN_DATA_DIR", dataDir.toString());
        env.put("WERKEN_EMBEDDED_AMQP_PORT", Integer.toString(amqpPort));
        env.put("WERKEN_JOURNAL", "off");
        Process werken = null;
        try {
            werken = startWerken(repo, "", werkenLog, repo.resolve("bench/workflows.json"), env);
            awaitHealthy(werken);
            int count = Math.min(requests, 3_000);
            LoadGenerator.Result load;
            long started = System.nanoTime();
            try (LoadGenerator generator = new LoadGenerator(HTTP_PORT, concurrency, WERKEN_ACCEPTED)) {
                load = generator.run("/webhook/" + scenario.workflow(), scenario.body(), count, concurrency, 600);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double peak = ProcessStats.peakRssMib(werken.pid());
            log("Werken on its embedded broker: %d webhooks (%d refused) in %.1f s, peak RSS %.0f MiB", load.sent(),
                load.failed(), seconds, peak);
            return new Embedded(scenario, load, seconds, peak);
        } finally {
            if (werken != null) {
                werken.destroy();
                if (!werken.waitFor(40, TimeUnit.SECONDS)) {
                    werken.destroyForcibly();
                }
            }
            deleteTree(dataDir);
        }
    }

    private Figures measure(Target target, Scenario scenario, LoadGenerator generator, Broker broker, long brokerPid)
            throws Exception {
        return measure(target, scenario, generator, broker, brokerPid, warmup, true);
    }

    /** As above, after {@code warmupCount} webhooks of warm-up; {@code steady}: and once the JIT is done. */
    private Figures measure(Target target, Scenario scenario, LoadGenerator generator, Broker broker, long brokerPid,
                            int warmupCount, boolean steady) throws Exception {
        String path = "/webhook/" + scenario.workflow();
        String name = target.system() + ", " + scenario.name();
        log("%s: warm-up, %d webhooks", name, warmupCount);
        LoadGenerator.Result warm = generator.run(path, scenario.body(), warmupCount, concurrency, 300);
        awaitDepth(broker, target.actionsQueue(), (long) warm.accepted() * scenario.actions());
        broker.purge(target.actionsQueue());
        journalAccepted += warm.accepted();
        // (Not for --smoke's few hundred webhooks, whose figures mean nothing anyway.)
        if (steady && target.byThread() && warmupCount >= 1000) {
            // A metrics scrape (as Prometheus makes them) takes requests through shared Vert.x and Netty code with
            // other types: the JIT's first such deoptimisations belong in the warm-up, not in the measured run.
            confirmBuckets(ALL_CONFIRMS);
            untilTheJitIsDone(target, scenario, generator, broker, path, name);
        }

        JournalWatch journal = target.journal();
        long stored0 = 0;
        Map<String, Double> databaseCpu0 = Map.of();
        if (journal != null) {
            // The measured run starts with the warm-up's events in the journal, so its catch-up is its own.
            long[] warmStored = awaitJournal(broker, journal, journalAccepted);
            if (warmStored[0] < journalAccepted) {
                log("%s: the journal holds %d of the %d events accepted so far; measuring anyway", name,
                    warmStored[0], journalAccepted);
            }
            stored0 = journal.stored();
            databaseCpu0 = journal.databaseCpu();
        }
        // Werken's threads by their Java names (the kernel cuts them to 15 characters): the journal writer shows.
        Map<Long, String> threadNames = target.byThread()
                ? ProcessStats.javaThreadNames(target.processes().values().iterator().next()) : Map.of();

        log("%s: %d webhooks at concurrency %d%s", name, requests, concurrency,
            rate > 0 ? String.format(Locale.ROOT, ", %.0f a second", rate) : "");
        double cpu0 = cpuSeconds(target);
        Map<String, Double> parts0 = cpuByPart(target, threadNames);
        Map<String, Double> confirms0 = target.byThread() ? confirmBuckets(ALL_CONFIRMS) : Map.of();
        Map<String, Double> eventConfirms0 = target.byThread() ? confirmBuckets(EVENT_CONFIRMS) : Map.of();
        double brokerCpu0 = ProcessStats.cpuSeconds(brokerPid);
        double brokerWritten0 = ProcessStats.writtenBytes(brokerPid);
        double benchCpu0 = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
        LoadGenerator.Result load = rate > 0
                ? generator.runAtRate(path, scenario.body(), requests, concurrency, rate, 600)
                : generator.run(path, scenario.body(), requests, concurrency, 600);
        long expected = (long) load.accepted() * scenario.actions();
        long[] reached = awaitDepth(broker, target.actionsQueue(), expected);
        double e2eSeconds = (reached[1] - load.firstStartNanos()) / 1e9;
        long[] caughtUp = null;
        if (journal != null) {
            // With a journal, the CPU below is taken once the journal holds every accepted event: what writing it
            // cost Werken after the last action is in the figure.
            journalAccepted += load.accepted();
            caughtUp = awaitJournal(broker, journal, stored0 + load.accepted());
        }
        double cpu = cpuSeconds(target) - cpu0;
        Map<String, Double> cpuByPart = ProcessStats.difference(cpuByPart(target, threadNames), parts0);
        double brokerCpu = ProcessStats.cpuSeconds(brokerPid) - brokerCpu0;
        double brokerWritten = ProcessStats.writtenBytes(brokerPid) - brokerWritten0;
        double benchCpu = ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - benchCpu0;
        double peakRss = target.processes().values().stream().mapToDouble(ProcessStats::peakRssMib).sum();
        Journaled journaled = null;
        if (journal != null) {
            Map<String, Double> databaseCpu = ProcessStats.difference(journal.databaseCpu(), databaseCpu0);
            long[] verified = journal.verify(load.acceptedEventIds());
            journaled = new Journaled(journal.store(), load.accepted(), caughtUp[0] - stored0, verified[0],
                    verified[1], (caughtUp[1] - load.lastEndNanos()) / 1e6, (caughtUp[1] - reached[1]) / 1e6,
                    databaseCpu.values().stream().mapToDouble(Double::doubleValue).sum(), databaseCpu,
                    journal.sizeBytes(), caughtUp[0]);
        }
        Figures f = new Figures(target.system(), scenario, load, expected, reached[0], e2eSeconds,
                cpu, brokerCpu, peakRss, cpuByPart, journaled);
        broker.purge(target.actionsQueue());
        log("%s: ingest %.0f webhooks/s, p99 %.1f ms, end to end %.0f actions/s, lost %d%s", name,
            load.requestsPerSecond(), load.percentileMillis(99), f.endToEndActionsPerSecond(), f.lost(),
            load.firstFailure() == null ? "" : ", first refusal: " + load.firstFailure());
        log("%s: CPU ms per webhook: %s %.3f, broker %.3f, load generator %.3f", name, target.system(),
            f.cpuMsPerWebhook(), f.brokerCpuMsPerWebhook(), benchCpu * 1000 / requests);
        // What the broker wrote to its disk (its process's write_bytes, root only): whether it writes less of the
        // events when dispatch acknowledges them sooner (it did not, bench/README.md).
        log("%s: the broker wrote %.0f bytes per webhook to its disk", name, brokerWritten / requests);
        log("%s: CPU ms per webhook by %s: %s", name, target.byThread() ? "thread" : "process",
            f.cpuByPart().entrySet().stream().limit(10)
                .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue() * 1000 / requests))
                .collect(java.util.stream.Collectors.joining(", ")));
        if (target.byThread()) {
            logConfirmLatency(name, confirms0, confirmBuckets(ALL_CONFIRMS), eventConfirms0,
                              confirmBuckets(EVENT_CONFIRMS), load.percentileMillis(99));
        }
        if (journaled != null) {
            Journaled j = journaled;
            log("%s: journal on %s: %d of %d events stored (%d of %d ids checked found), caught up %.0f ms after the "
                + "load's last answer, %.0f ms after the last action; %.1f MB on disk for %d events", name, j.store(),
                j.found(), j.expected(), j.idsFound(), j.idsChecked(), j.caughtUpAfterLoadMs(),
                j.caughtUpAfterActionsMs(), j.sizeBytes() / 1e6, j.eventsStored());
            if (!j.databaseCpuByPart().isEmpty()) {
                log("%s: %s CPU ms per webhook: %s", name, j.store(), j.databaseCpuByPart().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue() * 1000 / requests))
                    .collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        return f;
    }

    /**
     * Waits until the journal holds {@code expected} events, or has not moved for 15 s: first for its queue to have no
     * record ready (asked of the broker, so Werken is not asked while records are many), then for the count. Returns
     * the count found and the moment it was first seen. Its own gauge, werken_journal_lag_records, is refreshed every
     * 5 s: too coarse to time a catch-up of a second or two.
     */
    private static long[] awaitJournal(Broker broker, JournalWatch journal, long expected) throws Exception {
        long depth = broker.depth(JOURNAL);
        long lastChange = System.nanoTime();
        while (depth > 0 && System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(15)) {
            TimeUnit.MILLISECONDS.sleep(5);
            long now = broker.depth(JOURNAL);
            if (now != depth) {
                depth = now;
                lastChange = System.nanoTime();
            }
        }
        long stored = journal.stored();
        lastChange = System.nanoTime();
        while (stored < expected && System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(15)) {
            TimeUnit.MILLISECONDS.sleep(10);
            long now = journal.stored();
            if (now != stored) {
                stored = now;
                lastChange = System.nanoTime();
            }
        }
        return new long[] {stored, System.nanoTime()};
    }

    /**
     * Waits (at most 30 s) until Werken's compiler threads are idle: under load on 2 cores C2's queue backs up and would
     * otherwise drain into the measured run.
     */
    private static void awaitIdleJit(Target target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double before = jitSeconds(target);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            double now = jitSeconds(target);
            if (now - before < 0.01) {
                return;
            }
            before = now;
        }
    }

    private static double jitSeconds(Target target) {
        return jitSeconds(cpuByPart(target));
    }

    /** The CPU seconds of the JIT's compiler threads in Werken's CPU by thread kind. */
    static double jitSeconds(Map<String, Double> byThread) {
        return byThread.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * Werken's figures are its steady state: after the warm-up, and each time once the compiler threads are idle, more
     * rounds of warmup ÷ 4 webhooks (at most four) for as long as the JIT's compiler threads used more than 3% of
     * Werken's CPU in the round before. What the JIT costs
     * (CPU-seconds, once, in the first minutes) is logged, and in the whole run's CPU by thread.
     */
    private void untilTheJitIsDone(Target target, Scenario scenario, LoadGenerator generator, Broker broker, String path,
                                   String name) throws Exception {
        int round = Math.max(1000, warmup / 4);
        for (int i = 0; i < 4; i++) {
            awaitIdleJit(target);
            Map<String, Double> before = cpuByPart(target);
            LoadGenerator.Result warm = generator.run(path, scenario.body(), round, concurrency, 300);
            awaitDepth(broker, target.actionsQueue(), (long) warm.accepted() * scenario.actions());
            broker.purge(target.actionsQueue());
            journalAccepted += warm.accepted();
            Map<String, Double> used = ProcessStats.difference(cpuByPart(target), before);
            double all = used.values().stream().mapToDouble(Double::doubleValue).sum();
            double jit = jitSeconds(used);
            if (jit <= 0.03 * all) {
                return;
            }
            log("%s: the JIT used %.0f%% of Werken's CPU over %d more warm-up webhooks", name, 100 * jit / all, round);
        }
    }

    /** Werken's own histogram of broker confirm latency (werken_publish_confirm_seconds), as cumulative counts by bucket. */
    private static final String ALL_CONFIRMS = "werken_publish_confirm_seconds";
    /** Events only: ingest's publishes, whose confirm a 202 waits for. */
    private static final String EVENT_CONFIRMS = "werken_publish_confirm_event_seconds";

    private static Map<String, Double> confirmBuckets(String metric) {
        Map<String, Double> buckets = new java.util.TreeMap<>();
        try {
            // HTTP/1.1: the JDK client's h2c upgrade attempt once left this request hanging past its own timeout.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT
                    + "/observe/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + metric + "_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*\\} ([0-9.eE+]+)$")
                    .matcher(metrics);
            while (m.find()) {
                buckets.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        } catch (Exception e) {
            log("cannot read Werken's metrics: %s", e.getMessage());
        }
        return buckets;
    }

    /**
     * What share of the scenario's publishes the broker confirmed within 10, 25 and 50 ms (the floor under p99), the
     * confirms' own p99 (interpolated within its histogram bucket), and Werken's HTTP p99 less that: what Werken adds
     * above the broker's confirm of the event.
     */
    private static void logConfirmLatency(String name, Map<String, Double> before, Map<String, Double> after,
                                          Map<String, Double> eventsBefore, Map<String, Double> eventsAfter,
                                          double httpP99Millis) {
        double all = after.getOrDefault("+Inf", 0.0) - before.getOrDefault("+Inf", 0.0);
        if (all <= 0) {
            return;
        }
        StringBuilder shares = new StringBuilder();
        for (String le : List.of("0.01", "0.025", "0.05")) {
            double within = after.getOrDefault(le, 0.0) - before.getOrDefault(le, 0.0);
            shares.append(String.format(Locale.ROOT, ", %.1f%% within %.0f ms", 100 * within / all, Double.parseDouble(le) * 1000));
        }
        double events = eventsAfter.getOrDefault("+Inf", 0.0) - eventsBefore.getOrDefault("+Inf", 0.0);
        String eventP99 = "";
        if (events > 0) {
            double p99 = confirmPercentileMillis(eventsBefore, eventsAfter, 0.99);
            eventP99 = String.format(Locale.ROOT, "; events' confirm p99 %.1f ms (%.0f events), Werken's p99 less it %.1f ms",
                p99, events, httpP99Millis - p99);
        }
        log("%s: broker confirms of Werken's publishes (werken_publish_confirm_seconds): %.0f%s; all publishes' p99 "
            + "%.1f ms%s", name, all, shares, confirmPercentileMillis(before, after, 0.99), eventP99);
    }

    /**
     * The {@code q} quantile of the confirm latency in the scenario, in ms: linear within the histogram bucket it falls
     * in (the buckets are 1, 2, 5, 10, 25, 50 ms ...), NaN past the last finite bucket.
     */
    static double confirmPercentileMillis(Map<String, Double> before, Map<String, Double> after, double q) {
        double all = after.getOrDefault("+Inf", 0.0) - before.getOrDefault("+Inf", 0.0);
        double target = q * all;
        double lowerBound = 0;
        double lowerCount = 0;
        List<String> finite = after.keySet().stream().filter(le -> !le.equals("+Inf"))
            .sorted(java.util.Comparator.comparingDouble(Double::parseDouble)).toList();
        for (String le : finite) {
            double bound = Double.parseDouble(le);
            double count = after.get(le) - before.getOrDefault(le, 0.0);
            if (count >= target) {
                double share = count == lowerCount ? 1 : (target - lowerCount) / (count - lowerCount);
                return 1000 * (lowerBound + share * (bound - lowerBound));
            }
            lowerBound = bound;
            lowerCount = count;
        }
        return Double.NaN;
    }

    /** User plus system CPU seconds so far of the target's processes, summed (NaN if one is gone). */
    private static double cpuSeconds(Target target) {
        return target.processes().values().stream().mapToDouble(ProcessStats::cpuSeconds).sum();
    }

    /** CPU seconds so far of the target's processes: by thread kind of its one JVM (Werken), or by process. */
    private static Map<String, Double> cpuByPart(Target target) {
        return cpuByPart(target, Map.of());
    }

    /** As {@link #cpuByPart(Target)}, Werken's threads named by their Java names where {@code threadNames} has them. */
    private static Map<String, Double> cpuByPart(Target target, Map<Long, String> threadNames) {
        if (target.byThread()) {
            return ProcessStats.cpuSecondsByThread(target.processes().values().iterator().next(), threadNames);
        }
        Map<String, Double> byProcess = new LinkedHashMap<>();
        target.processes().forEach((name, pid) -> byProcess.put(name, ProcessStats.cpuSeconds(pid)));
        return byProcess;
    }

    /** Waits (at most 20 s) until the broker used less than a tenth of a core over the last half second. */
    private static void awaitQuietBroker(long brokerPid) throws Exception {
        if (brokerPid <= 0) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        double before = ProcessStats.cpuSeconds(brokerPid);
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            double now = ProcessStats.cpuSeconds(brokerPid);
            if (now - before < 0.05) {
                return;
            }
            before = now;
        }
        log("the broker is still busy: Werken's startup is timed anyway");
    }

    /**
     * Polls the actions queue until it holds {@code expected} messages, or its depth has not moved for 15 s.
     * Returns the depth found and the moment it was first seen.
     */
    private static long[] awaitDepth(Broker broker, String queue, long expected) throws Exception {
        long depth = broker.depth(queue);
        long lastChange = System.nanoTime();
        while (depth < expected && System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(15)) {
            TimeUnit.MILLISECONDS.sleep(5);
            long now = broker.depth(queue);
            if (now != depth) {
                depth = now;
                lastChange = System.nanoTime();
            }
        }
        return new long[] {depth, System.nanoTime()};
    }

    private double perfTestCeiling() throws Exception {
        Path lib = repo.resolve("bench/perf-test/target/lib");
        List<String> command = List.of(javaBin(), "-cp", lib + "/*", "com.rabbitmq.perf.PerfTest",
                "--uri", amqpUri, "--producers", "1", "--consumers", "1", "--flag", "persistent",
                "--confirm", "100", "--qos", "100", "--time", Integer.toString(perfTestSeconds),
                "--queue", SystemUnderTest.QUEUE_PREFIX + ".perf-test", "--auto-delete", "true", "--id", "ceiling");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Pattern rate = Pattern.compile("sending rate avg: (\\d+) msg/s");
        double ceiling = Double.NaN;
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                Matcher m = rate.matcher(line);
                if (m.find()) {
                    ceiling = Double.parseDouble(m.group(1));
                }
            }
        }
        if (process.waitFor() != 0 || Double.isNaN(ceiling)) {
            throw new IllegalStateException("PerfTest failed (exit " + process.exitValue() + "):\n" + output);
        }
        return ceiling;
    }

    /** A JSON object of about {@code bytes} bytes: the small body plus a filler string. */
    private static byte[] payloadOf(int bytes) {
        String head = "{\"user_id\": 123, \"data\": \"";
        String tail = "\"}";
        return (head + "x".repeat(bytes - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
