package io.werken.broker;

import com.rabbitmq.client.Address;
import io.werken.core.StartupRefusedException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The AMQP broker Werken uses: the URIs of its nodes (one, or several of a RabbitMQ cluster), and a name for logs and
 * health (the embedded broker or RabbitMQ). The nodes of a cluster share credentials, virtual host and TLS: the first
 * URI gives them, the others add only a host and port to connect to.
 *
 * @param uris     the nodes, in the order given; never empty
 * @param embedded whether it is the embedded broker in Werken's own process
 * @param name     what health and logs call it
 */
public record BrokerAddress(List<URI> uris, boolean embedded, String name) {

    public BrokerAddress {
        uris = List.copyOf(uris);
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("A broker address needs at least one URI");
        }
    }

    /**
     * RabbitMQ at {@code WERKEN_RABBITMQ_URI}: one {@code amqp://} (or {@code amqps://}) URI, or several separated by
     * commas, one per node of a cluster, alike but for host and port. Anything else refuses startup in one line.
     */
    public static BrokerAddress rabbitMq(String setting) {
        List<URI> uris = new ArrayList<>();
        for (String part : setting.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(part.trim());
            } catch (IllegalArgumentException e) {
                throw new StartupRefusedException("WERKEN_RABBITMQ_URI: '" + part.trim() + "' is not a URI", e);
            }
            if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new StartupRefusedException("WERKEN_RABBITMQ_URI: '" + withoutPassword(uri) + "' is not an "
                        + "amqp:// or amqps:// URI with a host");
            }
            uris.add(uri);
        }
        if (uris.isEmpty()) {
            throw new StartupRefusedException("WERKEN_RABBITMQ_URI names no broker");
        }
        URI first = uris.get(0);
        for (URI other : uris.subList(1, uris.size())) {
            if (!first.getScheme().equals(other.getScheme())
                    || !Objects.equals(first.getRawUserInfo(), other.getRawUserInfo())
                    || !Objects.equals(first.getRawPath(), other.getRawPath())
                    || !Objects.equals(first.getRawQuery(), other.getRawQuery())) {
                throw new StartupRefusedException("WERKEN_RABBITMQ_URI: the nodes of a cluster share scheme, "
                        + "credentials, virtual host and query; '" + withoutPassword(other) + "' differs from '"
                        + withoutPassword(first) + "' in more than host and port");
            }
        }
        return new BrokerAddress(uris, false, "RabbitMQ");
    }

    public static BrokerAddress embedded(String uri) {
        return new BrokerAddress(List.of(URI.create(uri)), true, "embedded broker (Apache Qpid Broker-J)");
    }

    /** The first node's URI: scheme, credentials and virtual host of them all (and the node itself, when there is one). */
    public URI uri() {
        return uris.get(0);
    }

    /** Whether it names several nodes, which connections then pick from. */
    public boolean cluster() {
        return uris.size() > 1;
    }

    /** The nodes' hosts and ports, for the AMQP client; a node without a port gets the scheme's default. */
    public List<Address> addresses() {
        return uris.stream().map(u -> new Address(u.getHost(), u.getPort())).toList();
    }

    /** The nodes as {@code host:port,host:port}, what Spring's {@code setAddresses} reads. */
    public String hostsAndPorts() {
        return uris.stream().map(BrokerAddress::hostAndPort).collect(Collectors.joining(","));
    }

    /**
     * The broker for lines a person reads: {@code amqp://host:port/vhost} ({@code amqp://a:5672,b:5672/vhost} for a
     * cluster), never the user name or password.
     */
    public String withoutCredentials() {
        URI first = uri();
        String path = first.getRawPath() == null || first.getRawPath().isEmpty() ? "/" : first.getRawPath();
        return first.getScheme() + "://" + hostsAndPorts() + path;
    }

    private static String hostAndPort(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private static String withoutPassword(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "…@");
    }
}
