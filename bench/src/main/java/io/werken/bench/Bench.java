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

import com.rabbitmq.client.AMQP;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Werken's benchmark: the broker's own ceiling (RabbitMQ PerfTest), then Werken started as a user starts it and
 * loaded with exactly N webhooks at concurrency C per scenario, every figure reported beside that ceiling.
 * <p>
 * With {@code --original[=DIR]} the same run first measures the original design (FastAPI ingestor + pika engine,
 * {@code shared/peers/original-python}) under the same load for every scenario whose workflow it has, before Werken
 * is started, and reports Werken's figures divided by the original's.
 * <p>
 * Run it with {@code bench/run} from the repository root; {@code bench/README.md} explains each figure.
 */
public final class Bench {

    private static final int HTTP_PORT = 18000;
    private static final int MANAGEMENT_PORT = 19876;
    /** Werken's only answer for a webhook it has taken on (confirmed by the broker); anything else is a refusal. */
    private static final int WERKEN_ACCEPTED = 202;
    private static final String RECEIVED = "werken-bench.received_webhooks";
    private static final String ACTIONS = "werken-bench.required_actions";
    private static final String DLX = "werken-bench.dlx";
    private static final String JOURNAL = "werken-bench.journal";
    private static final String SMALL_BODY = "{\"user_id\": 123, \"data\": \"some important data\"}";

    /** The original design: its ingestor's port here, its answer for a webhook it took, and its fixed queue names. */
    private static final int ORIGINAL_PORT = 18001;
    private static final int ORIGINAL_ACCEPTED = 200;
    private static final String ORIGINAL_RECEIVED = "received_webhooks";
    private static final String ORIGINAL_ACTIONS = "required_actions";
    private static final List<String> PYTHON_MODULES = List.of("fastapi", "uvicorn", "pika");
    private static final String PYTHON_PACKAGES = "python3-fastapi python3-uvicorn python3-pika";

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
    private record Target(String system, Map<String, Long> processes, String actionsQueue, boolean byThread,
                          JournalWatch journal) {
    }

    /** How the original design is run, if it is: where it lives, and whether its publishes wait for confirms. */
    private record Original(Path dir, boolean confirms) {

        String label() {
            return confirms ? "original (publisher confirms)" : "original (no confirms)";
        }
    }

    /** What the original's part of a run gave: one row per scenario it has, and its time from run.sh to ready. */
    private record OriginalRun(Original original, List<Figures> figures, long readyMillis) {
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
    private final Original original;
    /** With the journal scenarios: how many of the scenarios they run (from the first); 0 with --no-journal. */
    private final int journalScenarioCount;
    private final String postgresServer;
    private final String postgresUser;
    /** Werken's event log (WERKEN_EVENT_LOG) in every Werken of the run: off (as in every table so far) or on. */
    private final boolean eventLog;
    /** Webhooks the running Werken accepted so far: the events its journal must come to hold. */
    private long journalAccepted;

    private Bench(int requests, int concurrency, int warmup, int perfTestSeconds, int scenarioCount, Path repo,
                  Map<String, String> options) {
        this.scenarioCount = scenarioCount;
        this.amqpUri = options.getOrDefault("amqp-uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
        if (!java.net.URI.create(amqpUri).getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("The bench only sends to 127.0.0.1");
        }
        this.rabbitNode = options.get("rabbitmq-node");
        this.requests = requests;
        this.concurrency = concurrency;
        this.warmup = warmup;
        this.perfTestSeconds = perfTestSeconds;
        this.repo = repo;
        this.results = repo.resolve("bench/results");
        // --original-confirms implies --original; a relative DIR is taken from the repository root (where bench/run is).
        if (options.containsKey("original") || options.containsKey("original-confirms")) {
            String dir = options.getOrDefault("original", "true");
            this.original = new Original(
                    repo.resolve(dir.equals("true") ? "../shared/peers/original-python" : dir).normalize(),
                    options.containsKey("original-confirms"));
        } else {
            this.original = null;
        }
        this.journalScenarioCount = options.containsKey("no-journal") ? 0
                : Integer.parseInt(options.getOrDefault("journal-scenarios", "1"));
        this.postgresServer = options.getOrDefault("postgresql", PostgresDatabase.DEFAULT_SERVER);
        this.postgresUser = options.getOrDefault("postgresql-user", "postgres");
        String eventLogOption = options.getOrDefault("event-log", "off");
        if (!eventLogOption.equals("on") && !eventLogOption.equals("off")) {
            throw new IllegalArgumentException("--event-log=" + eventLogOption + ": use on or off");
        }
        this.eventLog = eventLogOption.equals("on");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        boolean smoke = options.containsKey("smoke");
        Bench bench = new Bench(
                Integer.parseInt(options.getOrDefault("requests", smoke ? "300" : "20000")),
                Integer.parseInt(options.getOrDefault("concurrency", "32")),
                Integer.parseInt(options.getOrDefault("warmup", smoke ? "100" : "20000")),
                Integer.parseInt(options.getOrDefault("perf-test-seconds", smoke ? "3" : "20")),
                Integer.parseInt(options.getOrDefault("scenarios", "4")),
                Path.of(options.getOrDefault("repo", ".")).toAbsolutePath().normalize(), options);
        boolean ok;
        try {
            // --stored-events: the journal's reads on a large stored journal, instead of the webhook scenarios.
            ok = options.containsKey("stored-events") ? new JournalReads(bench.repo, bench.amqpUri, bench.results,
                    bench.postgresServer, bench.postgresUser, options).run() : bench.run(smoke);
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
        List<Scenario> originalScenarios = original == null ? List.of() : originalScenarios(scenarios);
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
            checkOriginalCanRun();
            log("%s at %s: %d of the scenarios (%s)", original.label(), original.dir(), originalScenarios.size(),
                originalScenarios.stream().map(Scenario::name).collect(java.util.stream.Collectors.joining("; ")));
        }

        log("Werken's event log (an INFO line per accepted webhook and per dispatched event): %s (--event-log=on|off)",
            eventLog ? "on" : "off");
        log("broker ceiling: RabbitMQ PerfTest, 1 producer, 1 consumer, persistent, confirms, manual ack, %d s",
            perfTestSeconds);
        double ceiling = perfTestCeiling();
        log("broker ceiling: %.0f msg/s", ceiling);

        long brokerPid = brokerPid();
        // The original first, stopped and its queues deleted before Werken starts: never both running at once.
        OriginalRun originalRun = originalScenarios.isEmpty() ? null
                : measureOriginal(originalScenarios, brokerPid, stamp);

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
        String rabbitVersion;
        try (Broker broker = new Broker(amqpUri)) {
            rabbitVersion = broker.version();
        }
        List<Figures> figures = main.figures();
        long startupMillis = main.startupMillis();

        Embedded embedded = runEmbedded(scenarios.get(0), stamp);
        double rabbitMqPeak = figures.stream().mapToDouble(Figures::peakRssMib).max().orElse(Double.NaN);

        String table = table(runs, scenarios, originalRun, ceiling, startupMillis, rabbitVersion, smoke);
        System.out.println();
        System.out.println(table);
        System.out.printf(Locale.ROOT, "Peak RSS by broker, the journal off: RabbitMQ %.0f MiB (the Werken rows), embedded "
                          + "broker %.0f MiB (%d webhooks of %s at concurrency %d, %.0f webhooks/s accepted)%n%n",
                          rabbitMqPeak, embedded.peakRssMib(), embedded.load().sent(), embedded.scenario().name(),
                          concurrency, embedded.load().accepted() / embedded.seconds());
        if (runs.size() > 1) {
            System.out.println(JournalCosts.table(runs, journalScenarios, smoke));
        }
        for (WerkenRun run : runs) {
            System.out.println(run.system() + " CPU seconds by thread, whole run: " + run.threadCpu().entrySet()
                    .stream().limit(12)
                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        JsonObject json = json(figures, originalRun, ceiling, startupMillis, rabbitVersion, smoke)
                .put("werken_cpu_seconds_by_thread", new JsonObject(new java.util.LinkedHashMap<>(main.threadCpu())))
                .put("werken_event_log", eventLog);
        if (runs.size() > 1) {
            json.put("journal", JournalCosts.json(runs, journalScenarios));
        }
        json.put("peak_rss_mib_by_broker", new JsonObject().put("rabbitmq", rabbitMqPeak)
                .put("embedded", embedded.peakRssMib()).put("embedded_webhooks", embedded.load().sent())
                .put("embedded_accepted_per_second", embedded.load().accepted() / embedded.seconds()));
        Path jsonFile = results.resolve("bench-" + stamp + ".json");
        Files.writeString(jsonFile, json.encodePrettily());
        System.out.println("JSON: " + repo.relativize(jsonFile));

        long errors = 0;
        for (WerkenRun run : runs) {
            long inRun;
            try (var lines = Files.lines(run.log())) {
                inRun = lines.filter(line -> line.contains(" ERROR ")).count();
            }
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
        boolean ok = embedded.load().failed() == 0 && runs.stream().flatMap(run -> run.figures().stream())
                .allMatch(f -> f.lost() == 0 && f.load().failed() == 0 && (f.journal() == null || f.journal().missing() == 0))
                && errors == 0;
        if (!ok) {
            System.out.println("FAILED: webhooks were refused, actions or journal entries are missing, or Werken "
                               + "logged errors");
        }
        return ok;
    }

    /**
     * Starts a Werken with its journal as {@code journal} says (a fresh PostgreSQL database of the bench's own, or H2
     * in a data directory of its own under bench/results), measures {@code scenarios}, stops it, and deletes its
     * queues, its database and its data directory, whatever happened.
     */
    private WerkenRun runWerken(String system, JournalKind journal, boolean before, List<Scenario> scenarios,
                                long brokerPid, String stamp) throws Exception {
        String suffix = switch (journal) {
            case OFF -> before ? "-journal-off-before" : "";
            case POSTGRESQL -> "-journal-postgresql";
            case H2 -> "-journal-h2";
        };
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
                    figures.add(measure(target, scenario, generator, broker, brokerPid));
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

    /** Deletes a directory the bench made, with everything in it; a missing one is no error. */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The scenarios the original can run: those whose workflow its workflows.json has, with as many actions. */
    private List<Scenario> originalScenarios(List<Scenario> scenarios) throws Exception {
        Path file = original.dir().resolve("workflows.json");
        if (!Files.isRegularFile(file) || !Files.isRegularFile(original.dir().resolve("run.sh"))) {
            throw new Refused("--original: no run.sh and workflows.json in " + original.dir());
        }
        JsonObject workflows = new JsonObject(Files.readString(file));
        List<Scenario> eligible = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            JsonObject workflow = workflows.getJsonObject(scenario.workflow());
            if (workflow != null && workflow.getJsonArray("actions", new JsonArray()).size() == scenario.actions()) {
                eligible.add(scenario);
            }
        }
        return eligible;
    }

    /**
     * Refuses, before anything runs, if the original could not be started or measured: its Python modules missing,
     * its port taken, or its fixed queues in use (see {@link #claimOriginalQueues}).
     */
    private void checkOriginalCanRun() throws Exception {
        String python = pythonOfOriginal();
        String probe = "import importlib.util, sys\n"
                       + "missing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]\n"
                       + "print(' '.join(missing))\n"
                       + "sys.exit(1 if missing else 0)\n";
        List<String> command = new ArrayList<>(List.of(python, "-c", probe));
        command.addAll(PYTHON_MODULES);
        String missing;
        int exit;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            missing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            exit = p.waitFor();
        } catch (java.io.IOException e) {
            missing = "python itself";
            exit = -1;
        }
        if (exit != 0) {
            throw new Refused(String.format(Locale.ROOT, "--original needs %s in %s, which lacks %s: "
                    + "sudo apt-get install -y %s", String.join(", ", PYTHON_MODULES), python,
                    missing.isEmpty() ? "them" : missing, PYTHON_PACKAGES));
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", ORIGINAL_PORT), 500);
            throw new Refused("--original: port " + ORIGINAL_PORT + " on 127.0.0.1 is already in use");
        } catch (java.io.IOException free) {
            // nothing listens there: the original's ingestor can have it
        }
        try (Broker broker = new Broker(amqpUri)) {
            String busy = originalQueuesInUse(broker);
            if (busy != null) {
                throw new Refused(busy);
            }
        }
    }

    /** The interpreter run.sh will use: $PYTHON as it passes on to run.sh, else Debian's. */
    private static String pythonOfOriginal() {
        String python = System.getenv("PYTHON");
        return python == null || python.isBlank() ? "/usr/bin/python3" : python;
    }

    /** Why the original's queues are not the bench's to take (they hold messages or have consumers), or null. */
    private static String originalQueuesInUse(Broker broker) throws Exception {
        List<String> inUse = new ArrayList<>();
        for (String queue : List.of(ORIGINAL_RECEIVED, ORIGINAL_ACTIONS)) {
            AMQP.Queue.DeclareOk q = broker.inspect(queue);
            if (q != null && (q.getMessageCount() > 0 || q.getConsumerCount() > 0)) {
                inUse.add(String.format(Locale.ROOT, "%s has %d messages and %d consumers", queue,
                        q.getMessageCount(), q.getConsumerCount()));
            }
        }
        return inUse.isEmpty() ? null : "refusing --original: its fixed queues are in use on this broker ("
                + String.join("; ", inUse) + "), maybe by a Werken or an original of someone else's; "
                + "the bench leaves them alone. Run it when they are idle, or without --original";
    }

    /**
     * Deletes the original's queues, so that it declares them afresh (without arguments another declarer may have
     * given them), but only if they are idle: the broker deletes each only if it has no messages and no consumers.
     */
    private static void claimOriginalQueues(Broker broker) throws Exception {
        String busy = originalQueuesInUse(broker);
        if (busy != null) {
            throw new Refused(busy);
        }
        for (String queue : List.of(ORIGINAL_RECEIVED, ORIGINAL_ACTIONS)) {
            if (!broker.deleteIfIdle(queue)) {
                throw new Refused("refusing --original: " + queue + " got messages or consumers just now; "
                                  + "the bench leaves it alone");
            }
        }
    }

    /**
     * Starts the original with its run.sh, measures each scenario it has, then stops both of its processes and
     * deletes its queues, whatever happened.
     */
    private OriginalRun measureOriginal(List<Scenario> scenarios, long brokerPid, String stamp) throws Exception {
        Path dir = results.resolve("original-" + stamp);
        Files.createDirectories(dir);
        Path pidFile = dir.resolve("pids");
        List<Figures> figures = new ArrayList<>();
        boolean queuesClaimed = false;
        long readyMillis;
        try (Broker broker = new Broker(amqpUri)) {
            claimOriginalQueues(broker);
            queuesClaimed = true;
            long spawned = System.nanoTime();
            startOriginal(dir, pidFile);
            long[] pids = readPids(pidFile);
            awaitOriginalReady(broker, pids, dir);
            readyMillis = (System.nanoTime() - spawned) / 1_000_000;
            log("%s ready %d ms after run.sh was started (ingestor pid %d answering on %d, engine pid %d consuming)",
                original.label(), readyMillis, pids[0], ORIGINAL_PORT, pids[1]);

            Map<String, Long> processes = new LinkedHashMap<>();
            processes.put("ingestor", pids[0]);
            processes.put("engine", pids[1]);
            Target target = new Target(original.label(), processes, ORIGINAL_ACTIONS, false, null);
            try (LoadGenerator generator = new LoadGenerator(ORIGINAL_PORT, concurrency, ORIGINAL_ACCEPTED)) {
                for (Scenario scenario : scenarios) {
                    figures.add(measure(target, scenario, generator, broker, brokerPid));
                }
            }
        } finally {
            if (Files.exists(pidFile)) {
                stopOriginal(readPids(pidFile));
            }
            if (queuesClaimed) {
                try (Broker broker = new Broker(amqpUri)) {
                    broker.deleteQueues(ORIGINAL_RECEIVED, ORIGINAL_ACTIONS);
                }
            }
        }
        return new OriginalRun(original, figures, readyMillis);
    }

    private void startOriginal(Path dir, Path pidFile) throws Exception {
        URI uri = URI.create(amqpUri);
        ProcessBuilder builder = new ProcessBuilder("bash", original.dir().resolve("run.sh").toString())
                .directory(original.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("run.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("INGEST_PORT", Integer.toString(ORIGINAL_PORT));
        env.put("INGEST_HOST", "127.0.0.1");
        env.put("PUBLISH_CONFIRMS", original.confirms() ? "1" : "0");
        env.put("RABBITMQ_HOST", uri.getHost());
        env.put("RABBITMQ_PORT", Integer.toString(uri.getPort() == -1 ? 5672 : uri.getPort()));
        env.put("LOG_DIR", dir.toString());
        env.put("PID_FILE", pidFile.toString());
        // Its directory is shared and not the bench's to write: no __pycache__ there.
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        Process runSh = builder.start();
        if (!runSh.waitFor(30, TimeUnit.SECONDS) || runSh.exitValue() != 0 || !Files.exists(pidFile)) {
            runSh.destroyForcibly();
            throw new IllegalStateException("the original's run.sh failed (see " + repo.relativize(dir) + "/run.log)");
        }
    }

    private static long[] readPids(Path pidFile) throws java.io.IOException {
        String[] pids = Files.readString(pidFile).trim().split("\\s+");
        return new long[] {Long.parseLong(pids[0]), Long.parseLong(pids[1])};
    }

    /** Waits until the ingestor answers HTTP on its port and the engine consumes received_webhooks. */
    private void awaitOriginalReady(Broker broker, long[] pids, Path dir) throws Exception {
        // HTTP/1.1: no h2c upgrade offer for an h11 server to ponder.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ORIGINAL_PORT + "/"))
                .timeout(Duration.ofSeconds(2)).build();
        boolean answers = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < pids.length; i++) {
                if (!ProcessStats.isRunning(pids[i])) {
                    String name = i == 0 ? "ingestor" : "engine";
                    throw new IllegalStateException("the original's " + name + " (pid " + pids[i] + ") exited; see "
                                                    + repo.relativize(dir) + "/" + name + ".log");
                }
            }
            if (!answers) {
                try {
                    http.send(probe, HttpResponse.BodyHandlers.discarding());
                    answers = true; // any status: it is an HTTP server on that port
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
            }
            AMQP.Queue.DeclareOk received = broker.inspect(ORIGINAL_RECEIVED);
            if (answers && received != null && received.getConsumerCount() >= 1) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("the original was not ready within 60 s (ingestor answering: " + answers
                                        + "); see " + repo.relativize(dir));
    }

    /** SIGTERM to both processes, SIGKILL to any still running 5 s later. */
    private static void stopOriginal(long[] pids) throws InterruptedException {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        if (!awaitGone(pids, 5)) {
            for (long pid : pids) {
                if (ProcessStats.isRunning(pid)) {
                    log("the original's pid %d did not stop on SIGTERM within 5 s: SIGKILL", pid);
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            if (!awaitGone(pids, 5)) {
                log("the original's processes %s are still running after SIGKILL", java.util.Arrays.toString(pids));
            }
        }
    }

    private static boolean awaitGone(long[] pids, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (java.util.Arrays.stream(pids).anyMatch(ProcessStats::isRunning)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    private Figures measure(Target target, Scenario scenario, LoadGenerator generator, Broker broker, long brokerPid)
            throws Exception {
        String path = "/webhook/" + scenario.workflow();
        String name = target.system() + ", " + scenario.name();
        log("%s: warm-up, %d webhooks", name, warmup);
        LoadGenerator.Result warm = generator.run(path, scenario.body(), warmup, concurrency, 300);
        awaitDepth(broker, target.actionsQueue(), (long) warm.accepted() * scenario.actions());
        broker.purge(target.actionsQueue());
        journalAccepted += warm.accepted();
        // (Not for --smoke's few hundred webhooks, whose figures mean nothing anyway.)
        if (target.byThread() && warmup >= 1000) {
            // A metrics scrape (as Prometheus makes them) takes requests through shared Vert.x and Netty code with
            // other types: the JIT's first such deoptimisations belong in the warm-up, not in the measured run.
            confirmBuckets();
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

        log("%s: %d webhooks at concurrency %d", name, requests, concurrency);
        double cpu0 = cpuSeconds(target);
        Map<String, Double> parts0 = cpuByPart(target, threadNames);
        Map<String, Double> confirms0 = target.byThread() ? confirmBuckets() : Map.of();
        double brokerCpu0 = ProcessStats.cpuSeconds(brokerPid);
        double benchCpu0 = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
        LoadGenerator.Result load = generator.run(path, scenario.body(), requests, concurrency, 600);
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
        log("%s: CPU ms per webhook by %s: %s", name, target.byThread() ? "thread" : "process",
            f.cpuByPart().entrySet().stream().limit(10)
                .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue() * 1000 / requests))
                .collect(java.util.stream.Collectors.joining(", ")));
        if (target.byThread()) {
            logConfirmLatency(name, confirms0, confirmBuckets());
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
    private static double jitSeconds(Map<String, Double> byThread) {
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
    private static Map<String, Double> confirmBuckets() {
        Map<String, Double> buckets = new java.util.TreeMap<>();
        try {
            // HTTP/1.1: the JDK client's h2c upgrade attempt once left this request hanging past its own timeout.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT
                    + "/observe/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^werken_publish_confirm_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*\\} ([0-9.eE+]+)$")
                    .matcher(metrics);
            while (m.find()) {
                buckets.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        } catch (Exception e) {
            log("cannot read Werken's metrics: %s", e.getMessage());
        }
        return buckets;
    }

    /** What share of the scenario's publishes the broker confirmed within 10, 25 and 50 ms: the floor under p99. */
    private static void logConfirmLatency(String name, Map<String, Double> before, Map<String, Double> after) {
        double all = after.getOrDefault("+Inf", 0.0) - before.getOrDefault("+Inf", 0.0);
        if (all <= 0) {
            return;
        }
        StringBuilder shares = new StringBuilder();
        for (String le : List.of("0.01", "0.025", "0.05")) {
            double within = after.getOrDefault(le, 0.0) - before.getOrDefault(le, 0.0);
            shares.append(String.format(Locale.ROOT, ", %.1f%% within %.0f ms", 100 * within / all, Double.parseDouble(le) * 1000));
        }
        log("%s: broker confirms of Werken's publishes (werken_publish_confirm_seconds): %.0f%s", name, all, shares);
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
                "--queue", "werken-bench.perf-test", "--auto-delete", "true", "--id", "ceiling");
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

    /**
     * Starts Werken as the README does, on the bench's ports and queues, with {@code workflows} and {@code env} (the
     * journal's settings) added to its environment.
     */
    static Process startWerken(Path repo, String amqpUri, Path log, Path workflows, Map<String, String> extraEnv)
            throws Exception {
        // Another Werken on the bench's ports would answer in its place: refuse rather than measure it.
        for (int port : new int[] {HTTP_PORT, MANAGEMENT_PORT}) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
                throw new Refused("port " + port + " on 127.0.0.1 is already in use (another Werken?): the bench "
                                  + "starts its own Werken there");
            } catch (java.io.IOException free) {
                // nothing listens there
            }
        }
        List<String> command = new ArrayList<>();
        command.add(javaBin());
        // Werken's own JVM options, exactly as the README's run command passes them.
        command.add("@" + repo.resolve("jvm.options"));
        // Extra JVM options for Werken only, e.g. to profile it: BENCH_WERKEN_JAVA_OPTS="-XX:StartFlightRecording=..."
        // ({run} becomes the name of the run's log without .log, so that each Werken of a run has a file of its own).
        String javaOptions = System.getenv().getOrDefault("BENCH_WERKEN_JAVA_OPTS", "").trim()
                .replace("{run}", log.getFileName().toString().replaceFirst("\\.log$", ""));
        if (!javaOptions.isEmpty()) {
            command.addAll(List.of(javaOptions.split("\\s+")));
        }
        command.addAll(List.of("-jar", repo.resolve("target/werken.jar").toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("WERKEN_HTTP_HOST", "127.0.0.1");
        env.put("WERKEN_HTTP_PORT", Integer.toString(HTTP_PORT));
        env.put("WERKEN_MANAGEMENT_HOST", "127.0.0.1");
        env.put("WERKEN_MANAGEMENT_PORT", Integer.toString(MANAGEMENT_PORT));
        env.put("WERKEN_RABBITMQ_URI", amqpUri);
        env.put("WERKEN_QUEUE_RECEIVED", RECEIVED);
        env.put("WERKEN_QUEUE_ACTIONS", ACTIONS);
        env.put("WERKEN_DEAD_LETTER_EXCHANGE", DLX);
        env.put("WERKEN_WORKFLOWS", workflows.toString());
        env.putAll(extraEnv);
        env.putIfAbsent("WERKEN_LOG_LEVEL", "WARN");
        return builder.start();
    }

    static void awaitHealthy(Process werken) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + "/observe/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!werken.isAlive()) {
                throw new IllegalStateException("Werken exited with " + werken.exitValue() + " (see bench/results)");
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("Werken did not become healthy within 60 s");
    }

    /** The broker's OS process, for its CPU time: asked of the node itself, so a second local node cannot confuse it. */
    private long brokerPid() {
        try {
            List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
            if (rabbitNode != null) {
                command.addAll(List.of("-n", rabbitNode));
            }
            command.addAll(List.of("eval", "os:getpid()."));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(30, TimeUnit.SECONDS);
            return Long.parseLong(out.replace("\"", ""));
        } catch (Exception e) {
            log("cannot tell the broker's pid (%s): its CPU time is not reported", e.getMessage());
            return -1;
        }
    }

    private static String table(List<WerkenRun> runs, List<Scenario> scenarios, OriginalRun originalRun,
                                double ceiling, long startupMillis, String rabbitVersion, boolean smoke) {
        List<Figures> figures = runs.get(runs.size() - 1).figures();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Werken bench%s, %s UTC: %d cores, RabbitMQ %s, Java %s%n%n",
                smoke ? " (SMOKE: too few requests for figures to mean anything)" : "",
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(Instant.now()),
                Runtime.getRuntime().availableProcessors(), rabbitVersion, System.getProperty("java.version")));
        s.append(String.format(Locale.ROOT,
                "Broker ceiling (PerfTest: persistent, confirmed, manually acked): %.0f msg/s. "
                + "Werken startup to healthy: %d ms%s.%n", ceiling, startupMillis, runs.size() == 1 ? ""
                        : " (journal off; " + runs.subList(0, runs.size() - 1).stream()
                        .map(r -> String.format(Locale.ROOT, "%s: %d ms", r.system(), r.startupMillis()))
                        .collect(java.util.stream.Collectors.joining(", ")) + ")"));
        if (originalRun != null) {
            s.append(String.format(Locale.ROOT, "Measured before Werken, on the same broker and load: %s, the "
                    + "original design (FastAPI ingestor + pika engine, %s; its 200 is sent once basic_publish "
                    + "returns), ready %d ms after its run.sh.%n", originalRun.original().label(),
                    originalRun.original().confirms() ? "every publish waits for the broker's confirm"
                            : "no publisher confirms", originalRun.readyMillis()));
        }
        s.append('\n');
        s.append("| system | scenario | webhooks (refused) | ingest webhooks/s | p50 ms | p99 ms | max ms "
                 + "| end-to-end actions/s | actions/s ÷ ceiling | broker msg/s ÷ ceiling | CPU ms per webhook "
                 + "| broker CPU ms per webhook | CPU s | broker CPU s | peak RSS MiB | lost |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        // Scenario by scenario: every Werken that ran it (in the order they ran), then the original.
        for (Scenario scenario : scenarios) {
            for (WerkenRun run : runs) {
                for (Figures f : run.figures()) {
                    if (f.scenario().name().equals(scenario.name())) {
                        row(s, f, ceiling);
                    }
                }
            }
            Figures o = originalOf(originalRun, scenario);
            if (o != null) {
                row(s, o, ceiling);
            }
        }
        if (originalRun != null) {
            s.append('\n');
            for (Figures f : figures) {
                Figures o = originalOf(originalRun, f.scenario());
                if (o != null) {
                    Ratios r = Ratios.of(f, o);
                    s.append(String.format(Locale.ROOT, "Werken ÷ %s, %s: ingest webhooks/s %.2f, end-to-end "
                            + "actions/s %.2f, p99 %.2f, CPU per webhook %.2f, broker CPU per webhook %.2f%n",
                            o.system(), f.scenario().name(), r.ingest(), r.endToEnd(), r.p99(), r.cpu(),
                            r.brokerCpu()));
                }
            }
        }
        return s.toString();
    }

    private static void row(StringBuilder s, Figures f, double ceiling) {
        LoadGenerator.Result load = f.load();
        double webhooksPerSecond = f.endToEndActionsPerSecond() / f.scenario().actions();
        // Each webhook costs the broker 1 + actions publishes (confirmed ones for Werken).
        double brokerMessages = webhooksPerSecond * (1 + f.scenario().actions());
        s.append(String.format(Locale.ROOT,
                "| %s | %s | %d (%d) | %.0f | %.1f | %.1f | %.1f | %.0f | %.2f | %.2f | %.3f | %.3f | %.1f | %.1f "
                + "| %.0f | %d |%n",
                f.system(), f.scenario().name(), load.sent(), load.failed(), load.requestsPerSecond(),
                load.percentileMillis(50), load.percentileMillis(99), load.percentileMillis(100),
                f.endToEndActionsPerSecond(), f.endToEndActionsPerSecond() / ceiling, brokerMessages / ceiling,
                f.cpuMsPerWebhook(), f.brokerCpuMsPerWebhook(), f.cpu(), f.brokerCpu(), f.peakRssMib(), f.lost()));
    }

    /** The original's figures for the same scenario, if it ran it. */
    private static Figures originalOf(OriginalRun originalRun, Scenario scenario) {
        if (originalRun == null) {
            return null;
        }
        return originalRun.figures().stream().filter(o -> o.scenario().name().equals(scenario.name()))
                .findFirst().orElse(null);
    }

    /** Werken's figure divided by the original's, for one scenario both ran. */
    private record Ratios(double ingest, double endToEnd, double p99, double cpu, double brokerCpu) {

        static Ratios of(Figures werken, Figures original) {
            return new Ratios(
                    werken.load().requestsPerSecond() / original.load().requestsPerSecond(),
                    werken.endToEndActionsPerSecond() / original.endToEndActionsPerSecond(),
                    werken.load().percentileMillis(99) / original.load().percentileMillis(99),
                    werken.cpuMsPerWebhook() / original.cpuMsPerWebhook(),
                    werken.brokerCpuMsPerWebhook() / original.brokerCpuMsPerWebhook());
        }

        JsonObject json(String scenario) {
            return new JsonObject()
                    .put("scenario", scenario)
                    .put("ingest_webhooks_per_second", ingest)
                    .put("end_to_end_actions_per_second", endToEnd)
                    .put("p99", p99)
                    .put("cpu_ms_per_webhook", cpu)
                    .put("broker_cpu_ms_per_webhook", brokerCpu);
        }
    }

    private static JsonObject json(List<Figures> figures, OriginalRun originalRun, double ceiling, long startupMillis,
                                   String rabbitVersion, boolean smoke) {
        JsonArray scenarios = new JsonArray();
        for (Figures f : figures) {
            // Werken's own names for its CPU and memory, as before the original could be measured beside it.
            scenarios.add(json(f)
                    .put("werken_cpu_seconds", f.cpu())
                    .put("werken_peak_rss_mib", f.peakRssMib())
                    .put("werken_cpu_seconds_by_thread", new JsonObject(new LinkedHashMap<>(f.cpuByPart()))));
        }
        JsonObject result = new JsonObject()
                .put("date", Instant.now().toString())
                .put("smoke", smoke)
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("rabbitmq_version", rabbitVersion)
                .put("java_version", System.getProperty("java.version"))
                .put("broker_ceiling_msg_per_second", ceiling)
                .put("werken_startup_to_healthy_ms", startupMillis)
                .put("scenarios", scenarios);
        if (originalRun != null) {
            JsonArray originals = new JsonArray();
            JsonArray ratios = new JsonArray();
            for (Figures o : originalRun.figures()) {
                originals.add(json(o)
                        .put("cpu_seconds_by_process", new JsonObject(new LinkedHashMap<>(o.cpuByPart()))));
            }
            for (Figures f : figures) {
                Figures o = originalOf(originalRun, f.scenario());
                if (o != null) {
                    ratios.add(Ratios.of(f, o).json(f.scenario().name()));
                }
            }
            result.put("original", new JsonObject()
                            .put("system", originalRun.original().label())
                            .put("dir", originalRun.original().dir().toString())
                            .put("publish_confirms", originalRun.original().confirms())
                            .put("accepted_status", ORIGINAL_ACCEPTED)
                            .put("ready_ms", originalRun.readyMillis())
                            .put("scenarios", originals))
                    .put("werken_over_original", ratios);
        }
        return result;
    }

    /** The fields every system's scenario has. */
    private static JsonObject json(Figures f) {
        LoadGenerator.Result load = f.load();
        return new JsonObject()
                .put("system", f.system())
                .put("scenario", f.scenario().name())
                .put("workflow", f.scenario().workflow())
                .put("actions_per_webhook", f.scenario().actions())
                .put("body_bytes", f.scenario().body().length)
                .put("webhooks_sent", load.sent())
                .put("webhooks_accepted", load.accepted())
                .put("webhooks_refused", load.failed())
                .put("ingest_webhooks_per_second", load.requestsPerSecond())
                .put("latency_ms", new JsonObject().put("p50", load.percentileMillis(50))
                        .put("p99", load.percentileMillis(99)).put("max", load.percentileMillis(100)))
                .put("end_to_end_seconds", f.endToEndSeconds())
                .put("end_to_end_actions_per_second", f.endToEndActionsPerSecond())
                .put("actions_expected", f.expectedActions())
                .put("actions_found", f.foundActions())
                .put("lost", f.lost())
                .put("cpu_seconds", f.cpu())
                .put("cpu_ms_per_webhook", f.cpuMsPerWebhook())
                .put("broker_cpu_seconds", f.brokerCpu())
                .put("broker_cpu_ms_per_webhook", f.brokerCpuMsPerWebhook())
                .put("peak_rss_mib", f.peakRssMib());
    }

    /** A JSON object of about {@code bytes} bytes: the small body plus a filler string. */
    private static byte[] payloadOf(int bytes) {
        String head = "{\"user_id\": 123, \"data\": \"";
        String tail = "\"}";
        return (head + "x".repeat(bytes - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unknown argument " + arg);
            }
            String[] kv = arg.substring(2).split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        return options;
    }

    private static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
