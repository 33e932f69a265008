package io.werken.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the shared RabbitMQ that a test can make misbehave without touching the broker: hold back
 * everything the broker sends (so confirms stop arriving while publishes still go through), or cut every connection.
 */
public final class BrokerProxy implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean holding;

    public BrokerProxy() throws IOException {
        this.target = URI.create(Broker.URI_VALUE);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "broker-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The broker's URI with the proxy's port in place of the broker's. */
    public String uri() {
        return "amqp://" + target.getRawUserInfo() + "@127.0.0.1:" + server.getLocalPort() + target.getRawPath();
    }

    /** From now on, nothing the broker sends reaches the client (publishes still reach the broker). */
    public void holdReplies() {
        synchronized (gate) {
            holding = true;
        }
    }

    /** Lets what the broker sent, and sends, through again. */
    public void releaseReplies() {
        synchronized (gate) {
            holding = false;
            gate.notifyAll();
        }
    }

    /** Closes every connection through the proxy, as a network failure would; new ones are accepted. */
    public void cutConnections() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    @Override
    public void close() throws IOException {
        releaseReplies();
        server.close();
        cutConnections();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(target.getHost(), target.getPort() == -1 ? 5672 : target.getPort());
                sockets.add(client);
                sockets.add(broker);
                pump(client, broker, false);
                pump(broker, client, true);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean reply) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                            if (reply) {
                                awaitGate();
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // cut, or the other side closed
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "broker-proxy-" + (reply ? "reply" : "request"));
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitGate() throws InterruptedException {
        synchronized (gate) {
            while (holding) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
