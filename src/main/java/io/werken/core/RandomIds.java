package io.werken.core;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUIDs for event ids, drawn from a DRBG per thread: time-ordered (version 7) for the events Werken names, random
 * (version 4) for other ids. {@link UUID#randomUUID()} shares one NativePRNG
 * whose every call takes a lock and reads {@code /dev/urandom}: measured at about 5% of an ingest thread's CPU
 * (bench/README.md). A per-thread DRBG, seeded from the system's entropy, keeps ids unpredictable and unique across
 * instances without the shared lock.
 */
public final class RandomIds {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RandomIds::newRandom);

    private RandomIds() {}

    /**
     * A new time-ordered UUID (version 7, RFC 9562) for {@code epochMillis}, in its usual 36-character form: the 48-bit
     * Unix time in milliseconds first, then 74 random bits. Ids made later sort after (to the millisecond), so the
     * journal's indexes on event ids take new entries at their end instead of on random pages, which halved
     * PostgreSQL's CPU per journaled event (design record 14). The random bits keep ids unpredictable and unique
     * across instances.
     */
    public static String timeOrdered(long epochMillis) {
        byte[] bytes = new byte[10];
        RANDOM.get().nextBytes(bytes);
        long msb = (epochMillis & 0xffff_ffff_ffffL) << 16 | 0x7000 | (bits(bytes, 0, 2) & 0x0fff); // version 7
        long lsb = (bits(bytes, 2, 8) & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L; // IETF variant
        return new UUID(msb, lsb).toString();
    }

    /** A new random UUID (version 4), in its usual 36-character form. */
    public static String uuid() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        return new UUID(bits(bytes, 0, 8), bits(bytes, 8, 8)).toString();
    }

    /** {@code count} (at most 8) bytes from {@code from}, big-endian, as the low bits of a long. */
    private static long bits(byte[] bytes, int from, int count) {
        long bits = 0;
        for (int i = from; i < from + count; i++) {
            bits = (bits << 8) | (bytes[i] & 0xff);
        }
        return bits;
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
