package io.werken.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a journal scenario sees its events reach the journal's database, and what that database spends: on PostgreSQL
 * the bench counts the rows itself; the embedded H2 store is a file only Werken can open, so there it reads Werken's
 * own count of records written ({@code werken_journal_records_written_total}, incremented after each commit) and checks
 * a sample of the events with {@code GET /events/{event_id}}.
 */
interface JournalWatch {

    /** The store, as the tables name it. */
    String store();

    /** Events the journal holds so far. */
    long stored() throws Exception;

    /** CPU seconds so far of the database's own processes, by part; empty when the database runs inside Werken. */
    Map<String, Double> databaseCpu();

    /** How many of {@code eventIds} the journal holds, and how many were looked for: {checked, found}. */
    long[] verify(List<String> eventIds) throws Exception;

    /** The journal's size on disk in bytes (PostgreSQL: its two tables with their indexes; H2: its files), or -1. */
    long sizeBytes();

    /** On the bench's own PostgreSQL database. */
    static JournalWatch postgres(PostgresDatabase database) {
        return new JournalWatch() {
            @Override
            public String store() {
                return "PostgreSQL";
            }

            @Override
            public long stored() throws Exception {
                return database.countEvents();
            }

            @Override
            public Map<String, Double> databaseCpu() {
                return database.cpuSeconds();
            }

            @Override
            public long[] verify(List<String> eventIds) throws Exception {
                return new long[] {eventIds.size(), database.countStored(eventIds)};
            }

            @Override
            public long sizeBytes() {
                try {
                    return database.journalBytes();
                } catch (Exception e) {
                    return -1;
                }
            }
        };
    }

    /** On the embedded store of the Werken whose management port is {@code managementPort}, in {@code dataDir}. */
    static JournalWatch embedded(int managementPort, java.nio.file.Path dataDir) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        Pattern written = Pattern.compile("(?m)^werken_journal_records_written_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$");
        return new JournalWatch() {
            @Override
            public String store() {
                return "H2 (embedded)";
            }

            @Override
            public long stored() throws Exception {
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                        + "/observe/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = written.matcher(metrics);
                return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
            }

            @Override
            public Map<String, Double> databaseCpu() {
                return Map.of();
            }

            @Override
            public long[] verify(List<String> eventIds) throws Exception {
                // A sample, spread over the run: each is a request to Werken.
                int step = Math.max(1, eventIds.size() / 50);
                long checked = 0;
                long found = 0;
                for (int i = eventIds.size() - 1; i >= 0; i -= step) {
                    int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                            + "/events/" + eventIds.get(i))).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    checked++;
                    if (status == 200) {
                        found++;
                    }
                }
                return new long[] {checked, found};
            }

            @Override
            public long sizeBytes() {
                try (var files = java.nio.file.Files.walk(dataDir.resolve("journal"))) {
                    return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                } catch (Exception e) {
                    return -1;
                }
            }
        };
    }
}
