package io.werken.dedupe;

import java.net.URI;
import java.time.Duration;
import org.apache.camel.component.redis.processor.idempotent.SpringRedisStringIdempotentRepository;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

/**
 * The shared dedupe store: Camel's Redis idempotent repository, one Redis string per key under {@code prefix:}, so
 * several Werken instances behind one load balancer accept each delivery once. {@code SET NX} with a short TTL marks a
 * delivery pending; confirming rewrites it with the dedupe window as TTL.
 */
public final class RedisDedupeStore extends SpringRedisStringIdempotentRepository implements DedupeStore {

    private static final String PENDING = "pending";
    private static final String CONFIRMED = "confirmed";

    private final JedisConnectionFactory connectionFactory;
    private final ValueOperations<String, String> values;
    private final Duration window;
    private final Duration pendingTtl;

    private RedisDedupeStore(
            JedisConnectionFactory connectionFactory,
            StringRedisTemplate template,
            String prefix,
            Duration window,
            Duration pendingTtl) {
        super(template, prefix);
        setFlushOnStartup(false);
        this.connectionFactory = connectionFactory;
        this.values = template.opsForValue();
        this.window = window;
        this.pendingTtl = pendingTtl;
    }

    /** Connects to {@code redis://[[user]:password@]host[:port][/db]} ({@code rediss://} for TLS). */
    public static RedisDedupeStore connect(String redisUri, String prefix, Duration window, Duration pendingTtl) {
        URI uri = URI.create(redisUri);
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("WERKEN_REDIS_URI must look like redis://host:6379");
        }
        RedisStandaloneConfiguration server =
                new RedisStandaloneConfiguration(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        if (uri.getPath() != null && uri.getPath().length() > 1) {
            server.setDatabase(Integer.parseInt(uri.getPath().substring(1)));
        }
        if (uri.getRawUserInfo() != null) {
            String[] user = uri.getUserInfo().split(":", 2);
            if (user.length == 2) {
                if (!user[0].isEmpty()) {
                    server.setUsername(user[0]);
                }
                server.setPassword(user[1]);
            } else {
                server.setPassword(user[0]);
            }
        }
        JedisClientConfiguration.JedisClientConfigurationBuilder client = JedisClientConfiguration.builder()
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(2));
        if ("rediss".equals(uri.getScheme())) {
            client.useSsl();
        }
        JedisConnectionFactory factory = new JedisConnectionFactory(server, client.build());
        factory.afterPropertiesSet();
        factory.start();
        StringRedisTemplate template = new StringRedisTemplate(factory);
        template.afterPropertiesSet();
        return new RedisDedupeStore(factory, template, prefix, window, pendingTtl);
    }

    @Override
    public boolean add(String key) {
        try {
            return Boolean.TRUE.equals(values.setIfAbsent(createRedisKey(key), PENDING, pendingTtl));
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean confirm(String key) {
        try {
            return Boolean.TRUE.equals(values.setIfPresent(createRedisKey(key), CONFIRMED, window));
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean isConfirmed(String key) {
        try {
            return CONFIRMED.equals(values.get(createRedisKey(key)));
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean contains(String key) {
        try {
            return super.contains(key);
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean remove(String key) {
        try {
            return super.remove(key);
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    private static DedupeStoreUnavailableException unavailable(DataAccessException e) {
        return new DedupeStoreUnavailableException("Redis is unavailable: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        connectionFactory.destroy();
    }

    @Override
    public String describe() {
        return "redis " + connectionFactory.getHostName() + ":" + connectionFactory.getPort();
    }

    @Override
    public String problem() {
        try (var connection = connectionFactory.getConnection()) {
            connection.ping();
            return null;
        } catch (RuntimeException e) {
            return "Redis does not answer: " + e.getMessage();
        }
    }
}
