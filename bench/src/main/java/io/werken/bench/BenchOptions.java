package io.werken.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * The bench's arguments ({@code --name} or {@code --name=value}, as {@code bench/run} documents them), parsed once,
 * with their defaults ({@code --smoke} lowers the load's) and their checks: the bench only sends to 127.0.0.1.
 *
 * @param all every argument as given, for the parts that read their own ({@code --stored-events})
 * @param original the original design to measure beside Werken ({@code --original[=DIR]}), or null
 * @param journalScenarioCount how many of the scenarios (from the first) the journal's runs measure; 0 with
 *     {@code --no-journal}
 * @param eventLog Werken's event log (WERKEN_EVENT_LOG) in every Werken of the run: off (as in every table so far)
 *     or on
 */
record BenchOptions(Map<String, String> all, boolean smoke, int requests, int concurrency, int warmup,
                    int perfTestSeconds, int scenarioCount, Path repo, Path results, String amqpUri, String rabbitNode,
                    OriginalDesign original, int journalScenarioCount, String postgresServer, String postgresUser,
                    boolean eventLog) {

    static BenchOptions parse(String[] args) {
        Map<String, String> options = arguments(args);
        boolean smoke = options.containsKey("smoke");
        int requests = Integer.parseInt(options.getOrDefault("requests", smoke ? "300" : "20000"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "32"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", smoke ? "100" : "20000"));
        int perfTestSeconds = Integer.parseInt(options.getOrDefault("perf-test-seconds", smoke ? "3" : "20"));
        int scenarioCount = Integer.parseInt(options.getOrDefault("scenarios", "4"));
        Path repo = Path.of(options.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        String amqpUri = options.getOrDefault("amqp-uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
        if (!java.net.URI.create(amqpUri).getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("The bench only sends to 127.0.0.1");
        }
        // --original-confirms implies --original; a relative DIR is taken from the repository root (where bench/run is).
        OriginalDesign original = null;
        if (options.containsKey("original") || options.containsKey("original-confirms")) {
            String dir = options.getOrDefault("original", "true");
            original = new OriginalDesign(
                    repo.resolve(dir.equals("true") ? "../shared/peers/original-python" : dir).normalize(),
                    options.containsKey("original-confirms"), amqpUri, concurrency, repo);
        }
        int journalScenarioCount = options.containsKey("no-journal") ? 0
                : Integer.parseInt(options.getOrDefault("journal-scenarios", "1"));
        String eventLogOption = options.getOrDefault("event-log", "off");
        if (!eventLogOption.equals("on") && !eventLogOption.equals("off")) {
            throw new IllegalArgumentException("--event-log=" + eventLogOption + ": use on or off");
        }
        return new BenchOptions(options, smoke, requests, concurrency, warmup, perfTestSeconds, scenarioCount, repo,
                repo.resolve("bench/results"), amqpUri, options.get("rabbitmq-node"), original, journalScenarioCount,
                options.getOrDefault("postgresql", PostgresDatabase.DEFAULT_SERVER),
                options.getOrDefault("postgresql-user", "postgres"), eventLogOption.equals("on"));
    }

    private static Map<String, String> arguments(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unknown argument " + arg);
            }
            String[] kv = arg.substring(2).split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        return options;
    }}
