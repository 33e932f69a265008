package io.werken.it;

import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.RedisClient;

/** Test access to the real Redis at {@code WERKEN_REDIS_URI}: a key prefix of each test's own, deleted afterwards. */
public final class Redis implements AutoCloseable {

    public static final String URI_VALUE = System.getenv().getOrDefault("WERKEN_REDIS_URI", "redis://127.0.0.1:6379");

    public final String prefix = "werken-it:" + UUID.randomUUID().toString().substring(0, 8);
    private final RedisClient client = RedisClient.create(java.net.URI.create(URI_VALUE));

    /** Keys under this test's prefix. */
    public Set<String> keys() {
        return client.keys(prefix + ":*");
    }

    public String get(String key) {
        return client.get(key);
    }

    public long ttl(String key) {
        return client.ttl(key);
    }

    @Override
    public void close() {
        Set<String> keys = keys();
        if (!keys.isEmpty()) {
            client.del(keys.toArray(String[]::new));
        }
        client.close();
    }
}
