package io.werken.http;

import io.werken.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The console's signed-in browsers, in memory: each session a random id (the {@code werken_session} cookie) and a CSRF
 * token of its own. At most {@code capacity} sessions (the least recently used one goes first), each forgotten after
 * {@code idle} without a request; a restart signs everyone out.
 * <p>
 * The store keeps SHA-256 digests of the ids, not the ids: a lookup's timing tells nothing about a valid id, and a heap
 * dump holds no cookie to replay. CSRF tokens are compared with {@link MessageDigest#isEqual}.
 */
public final class ConsoleSessions {

    /** The session cookie's name. */
    public static final String COOKIE = "werken_session";

    public static final int DEFAULT_CAPACITY = 1_000;
    public static final Duration DEFAULT_IDLE = Duration.ofHours(12);

    /** 32 random bytes in base64url without padding: what {@link #create()} hands out, and nothing else is looked up. */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{43}");

    private static final int RANDOM_BYTES = 32;

    /** A session as its browser knows it: the cookie's value and the token its state-changing requests carry. */
    public record Session(String id, String csrfToken) {

        /** Whether {@code presented} is this session's CSRF token, in time that does not depend on where they differ. */
        public boolean csrfMatches(String presented) {
            return presented != null
                    && MessageDigest.isEqual(
                            csrfToken.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Session[…]";
        }
    }

    private record Entry(String csrfToken, long lastUsedMillis) {}

    private final int capacity;
    private final long idleMillis;
    private final LongSupplier clock;
    private final SecureRandom random;
    /** Digest of the id -> entry, least recently used first. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    public ConsoleSessions() {
        this(DEFAULT_CAPACITY, DEFAULT_IDLE, System::currentTimeMillis, new SecureRandom());
    }

    /** For tests: another capacity, idle time and clock (milliseconds). */
    ConsoleSessions(int capacity, Duration idle, LongSupplier clock, SecureRandom random) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.idleMillis = idle.toMillis();
        this.clock = clock;
        this.random = random;
    }

    /** A new session; when the store is full, the least recently used one makes room. */
    public Session create() {
        String id = randomToken();
        String csrf = randomToken();
        long now = clock.getAsLong();
        synchronized (sessions) {
            dropExpired(now);
            while (sessions.size() >= capacity) {
                Iterator<String> eldest = sessions.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            sessions.put(digest(id), new Entry(csrf, now));
        }
        return new Session(id, csrf);
    }

    /** The session whose id is {@code id}, now counted as used; null if there is none or it has expired. */
    public Session find(String id) {
        if (id == null || !WELL_FORMED.matcher(id).matches()) {
            return null;
        }
        String key = digest(id);
        long now = clock.getAsLong();
        synchronized (sessions) {
            Entry entry = sessions.get(key);
            if (entry == null) {
                return null;
            }
            if (expired(entry, now)) {
                sessions.remove(key);
                return null;
            }
            sessions.put(key, new Entry(entry.csrfToken(), now));
            return new Session(id, entry.csrfToken());
        }
    }

    /** Ends the session {@code id} (sign-out); nothing if there is none. */
    public void remove(String id) {
        if (id == null || !WELL_FORMED.matcher(id).matches()) {
            return;
        }
        synchronized (sessions) {
            sessions.remove(digest(id));
        }
    }

    /** How many sessions are held, expired ones not yet dropped included. */
    public int size() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    /** Drops expired sessions from the least recently used end: past the first live one, all are live. */
    private void dropExpired(long now) {
        Iterator<Map.Entry<String, Entry>> eldest = sessions.entrySet().iterator();
        while (eldest.hasNext() && expired(eldest.next().getValue(), now)) {
            eldest.remove();
        }
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.lastUsedMillis() >= idleMillis;
    }

    private String randomToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String digest(String id) {
        return Base64.getEncoder().encodeToString(Sha256.digest(id));
    }
}
