package io.werken.core;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * ISO-8601 UTC times to the millisecond, as {@link DateTimeFormatter#ISO_INSTANT} writes an instant truncated to
 * milliseconds ({@code 2026-05-01T10:00:00.123Z}, or {@code 2026-05-01T10:00:00Z} on a whole second), written and read
 * by hand: the journal writes two per event and reads them back, dispatch reads one per event, and the formatter's general machinery was a fifth of
 * its writer's time. Anything else (another year range, more digits, an offset) goes to the formatter and
 * {@link Instant#parse}, so the results are the same.
 */
public final class IsoMillis {

    private static final long MIN_FAST = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_FAST =
            Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private IsoMillis() {}

    /** {@code epochMillis} as {@code ISO_INSTANT} writes it. */
    public static String format(long epochMillis) {
        if (epochMillis < MIN_FAST || epochMillis > MAX_FAST) {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
        }
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        int millisOfDay = (int) Math.floorMod(epochMillis, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(days);
        int millis = millisOfDay % 1000;
        int seconds = millisOfDay / 1000;
        char[] out = new char[millis == 0 ? 20 : 24];
        digits(out, 0, date.getYear(), 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, seconds / 3600, 2);
        out[13] = ':';
        digits(out, 14, seconds / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, seconds % 60, 2);
        if (millis == 0) {
            out[19] = 'Z';
        } else {
            out[19] = '.';
            digits(out, 20, millis, 3);
            out[23] = 'Z';
        }
        return new String(out);
    }

    /** {@code instant} truncated to milliseconds, as {@code ISO_INSTANT} writes it. */
    public static String format(Instant instant) {
        return format(instant.truncatedTo(ChronoUnit.MILLIS).toEpochMilli());
    }

    /**
     * {@code text} as an instant truncated to milliseconds, as {@code Instant.parse(text).truncatedTo(MILLIS)} reads it.
     *
     * @throws java.time.format.DateTimeParseException as {@link Instant#parse} does
     */
    public static Instant parse(String text) {
        int length = text.length();
        if ((length == 20 || length == 24)
                && text.charAt(4) == '-'
                && text.charAt(7) == '-'
                && text.charAt(10) == 'T'
                && text.charAt(13) == ':'
                && text.charAt(16) == ':'
                && text.charAt(length - 1) == 'Z'
                && (length == 20 || text.charAt(19) == '.')) {
            int year = number(text, 0, 4);
            int month = number(text, 5, 2);
            int day = number(text, 8, 2);
            int hour = number(text, 11, 2);
            int minute = number(text, 14, 2);
            int second = number(text, 17, 2);
            int millis = length == 24 ? number(text, 20, 3) : 0;
            if (year >= 0
                    && month >= 1
                    && month <= 12
                    && day >= 1
                    && day <= 31
                    && hour >= 0
                    && hour <= 23
                    && minute >= 0
                    && minute <= 59
                    && second >= 0
                    && second <= 59
                    && millis >= 0) {
                long days;
                try {
                    days = LocalDate.of(year, month, day).toEpochDay();
                } catch (DateTimeException e) {
                    return Instant.parse(text).truncatedTo(ChronoUnit.MILLIS); // an impossible date: the JDK's error
                }
                return Instant.ofEpochMilli(
                        days * 86_400_000L + hour * 3_600_000L + minute * 60_000L + second * 1000L + millis);
            }
        }
        // Leap seconds, other forms: the JDK decides.
        return Instant.parse(text).truncatedTo(ChronoUnit.MILLIS);
    }

    /** The decimal number of {@code count} digits at {@code at}, or -1 if any is not a digit. */
    private static int number(String text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void digits(char[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
