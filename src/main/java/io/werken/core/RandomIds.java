package io.werken.core;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs for event ids, from a DRBG per thread. {@link UUID#randomUUID()} shares one NativePRNG
 * whose every call takes a lock and reads {@code /dev/urandom}: measured at about 5% of an ingest thread's CPU
 * (bench/README.md). A per-thread DRBG, seeded from the system's entropy, keeps ids unpredictable and unique across
 * instances without the shared lock.
 */
public final class RandomIds {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RandomIds::newRandom);

    private RandomIds() {}

    /** A new random UUID, in its usual 36-character form. */
    public static String uuid() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (bytes[i] & 0xff);
            lsb = (lsb << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(msb, lsb).toString();
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
