package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heap under stalled uploads, in a process of its own with the shipped JVM options (-Xmx192m, exit on
 * OutOfMemoryError) and default limits: 160 connections each announce a 900 000-byte body, send 600 000 bytes of it
 * and stall. Without a bound on what unfinished requests hold, that is 160 growing 1 MiB buffers and the process dies;
 * with it, the uploads past the body budget are answered 503 with Retry-After before their bodies are read, and
 * Werken stays up and serves an everyday webhook meanwhile.
 */
class StalledUploadsIT {

    private static final int UPLOADS = 160;
    private static final int LENGTH = 900_000;
    private static final int SENT = 600_000;

    private final List<Socket> sockets = new ArrayList<>();
    private WerkenProcess werken;
    private String prefix;

    @AfterEach
    void cleanUp() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (werken != null) {
            werken.close();
        }
        try (Broker broker = new Broker()) {
            broker.delete(
                    prefix + "received_webhooks",
                    prefix + "required_actions",
                    prefix + "received_webhooks.dlq",
                    prefix + "werken.journal");
        }
    }

    @Test
    void stalledUploadsGet503OnceTheBudgetIsTakenAndWerkenStaysUp() throws Exception {
        prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> env = WerkenProcess.settings(prefix);
        werken = WerkenProcess.start(env, "stalled-uploads");
        long rssBefore = werken.residentKilobytes();

        byte[] head = HostileClientsIT.head(
                "POST", "/webhook/mi-workflow", "Content-Type: application/json\r\nContent-Length: " + LENGTH + "\r\n");
        byte[] body = new byte[SENT];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '[';
        int firstRefused = -1;
        int refused = 0;
        for (int i = 0; i < UPLOADS; i++) {
            Socket socket = new Socket("127.0.0.1", werken.httpPort);
            sockets.add(socket);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head);
                out.write(body);
                out.flush();
            } catch (IOException closed) {
                // refused and closed before all of the body was written
            }
            try {
                HostileClientsIT.Answer answer = HostileClientsIT.Answer.read(socket, Duration.ofMillis(200));
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.head()).containsIgnoringCase("Retry-After:");
                refused++;
                if (firstRefused < 0) {
                    firstRefused = i + 1;
                }
            } catch (java.net.SocketTimeoutException stalledWithoutAnswer) {
                assertThat(werken.isAlive())
                        .as("Werken alive after " + (i + 1) + " stalled uploads")
                        .isTrue();
            } catch (IOException reset) {
                refused++;
                if (firstRefused < 0) {
                    firstRefused = i + 1;
                }
            }
        }
        long rssUnderAttack = werken.residentKilobytes();

        assertThat(werken.isAlive()).isTrue();
        assertThat(werken.healthStatus()).isEqualTo(200);
        HttpResponse<String> everyday = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(werken.webhookUri("mi-workflow"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":7}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(everyday.statusCode()).isEqualTo(202);
        assertThat(refused).as("uploads refused").isGreaterThan(UPLOADS / 2);
        System.out.printf(
                "StalledUploadsIT: %d uploads of %d announced / %d sent bytes: the first %d held, upload %d was the "
                        + "first refused (503), %d refused in all; RSS %d MB after start, %d MB under the attack, alive%n",
                UPLOADS,
                LENGTH,
                SENT,
                firstRefused - 1,
                firstRefused,
                refused,
                rssBefore / 1024,
                rssUnderAttack / 1024);
        assertThat(werken.output()).doesNotContain("OutOfMemoryError");
    }
}
