package io.werken.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers a test starts (Werken's, an embedded broker's, a RabbitMQ node's, a PostgreSQL cluster's).
 *
 * <p>Not {@code new ServerSocket(0)}: that port comes from the kernel's ephemeral range, the range every outgoing
 * connection takes its local port from, so one of the many connections a run opens could take it between the test
 * choosing it and the server binding it a few seconds later (the server then refuses to start). These ports come from
 * below that range (Linux's default is 32768-60999), are free when handed out, and are never handed out twice in one
 * JVM.
 */
public final class FreePorts {

    private static final int FIRST = 12_000;
    private static final int LAST = 29_999;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A port nothing listens on at 127.0.0.1 now, handed out to no one else in this JVM. */
    public static int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            if (HANDED_OUT.add(port) && free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port between " + FIRST + " and " + LAST + " after 1,000 tries");
    }

    private static boolean free(int port) {
        // Bound as the servers bind (SO_REUSEADDR), on both the loopback and every address.
        for (InetSocketAddress address :
                new InetSocketAddress[] {new InetSocketAddress("127.0.0.1", port), new InetSocketAddress(port)}) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(address);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
