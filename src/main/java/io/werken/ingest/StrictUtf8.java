package io.werken.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Whether a webhook body is UTF-8 as RFC 3629 defines it, before Jackson reads it. Jackson's byte parser accepts
 * overlong forms ({@code C0 80} became NUL, {@code C0 AF} a slash), CESU-8 surrogates and code points above U+10FFFF,
 * and detects UTF-16 and UTF-32 from NUL bytes by itself: each of these would reach a workflow altered, or read in an
 * encoding the sender never named. A body that passes here has no NUL in its first four bytes, so Jackson reads it as
 * UTF-8 (a UTF-8 byte order mark, which RFC 8259 lets a parser ignore, is skipped by Jackson).
 * <p>
 * Eight ASCII bytes are checked at a time; only the bytes of multi-byte sequences are looked at one by one.
 */
final class StrictUtf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private StrictUtf8() {}

    /** Why {@code body} is not UTF-8 JSON, as a phrase for a problem's detail; null when it is. */
    static String problem(byte[] body) {
        if (startsWith(body, 0xFE, 0xFF) || startsWith(body, 0xFF, 0xFE) || startsWith(body, 0, 0, 0xFE, 0xFF)) {
            return "it starts with a UTF-16 or UTF-32 byte order mark";
        }
        int bad = firstInvalid(body);
        if (bad >= 0) {
            return "it is not valid UTF-8 (" + why(body, bad) + " at byte " + bad + ")";
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                // A JSON text in UTF-8 never starts with a NUL byte; UTF-16 and UTF-32 text of ASCII characters does.
                return "it looks like UTF-16 or UTF-32 (a NUL byte at byte " + i + ")";
            }
        }
        return null;
    }

    /** The index of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
    static int firstInvalid(byte[] b) {
        int n = b.length;
        int i = 0;
        while (i < n) {
            while (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += 8;
            }
            if (i >= n) {
                break;
            }
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
            } else if (c < 0xC2) {
                // A continuation byte with no lead, or C0/C1: an overlong form of an ASCII character.
                return i;
            } else if (c < 0xE0) {
                if (i + 1 >= n || !continuation(b[i + 1])) {
                    return i;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= n) {
                    return i;
                }
                int c1 = b[i + 1] & 0xFF;
                // E0 80..9F is overlong; ED A0..BF encodes a UTF-16 surrogate (CESU-8).
                if (c1 < (c == 0xE0 ? 0xA0 : 0x80) || c1 > (c == 0xED ? 0x9F : 0xBF) || !continuation(b[i + 2])) {
                    return i;
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= n) {
                    return i;
                }
                int c1 = b[i + 1] & 0xFF;
                // F0 80..8F is overlong; F4 90..BF is above U+10FFFF.
                if (c1 < (c == 0xF0 ? 0x90 : 0x80)
                        || c1 > (c == 0xF4 ? 0x8F : 0xBF)
                        || !continuation(b[i + 2])
                        || !continuation(b[i + 3])) {
                    return i;
                }
                i += 4;
            } else {
                // F5..FF lead to code points above U+10FFFF, or are no UTF-8 at all (FE, FF: a UTF-16/32 byte order
                // mark).
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] body, int... prefix) {
        if (body.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((body[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** What is wrong with the sequence at {@code i} (only called once a body is refused). */
    static String why(byte[] b, int i) {
        int c = b[i] & 0xFF;
        int c1 = i + 1 < b.length ? b[i + 1] & 0xFF : -1;
        if (c == 0xC0 || c == 0xC1 || c == 0xE0 && c1 >= 0x80 && c1 < 0xA0 || c == 0xF0 && c1 >= 0x80 && c1 < 0x90) {
            return "an overlong encoding";
        }
        if (c == 0xED && c1 >= 0xA0 && c1 <= 0xBF) {
            return "an encoded UTF-16 surrogate";
        }
        if (c >= 0xF5 || c == 0xF4 && c1 >= 0x90 && c1 <= 0xBF) {
            return "a code point above U+10FFFF";
        }
        return "a malformed or truncated sequence";
    }
}
