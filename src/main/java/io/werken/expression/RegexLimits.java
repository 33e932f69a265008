package io.werken.expression;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Refuses a regular expression that RE2 would blow up while compiling it, before anything compiles it. RE2 bounds the
 * time a match takes, but it writes out counted repetition: {@code (((a{100}){100}){100}){100}} becomes 10^8 copies of
 * {@code a}, and the JVM runs out of memory before any program-size limit is checked. So the pattern's structure is
 * measured first, as Go's regexp and RE2 measure it: nested counted repetitions may multiply to at most
 * {@value #MAX_REPEAT} copies, and the whole pattern may expand to at most {@value #MAX_SIZE} instructions (about what
 * RE2J compiles it into). Used for CEL's {@code matches()} and payload schemas' {@code pattern}.
 */
public final class RegexLimits {

    /** Go's and RE2's own limit on nested counted repetition ({@code (x{10}){100}} is at the limit). */
    public static final int MAX_REPEAT = 1000;
    /** Far above any pattern a person writes; a program this size compiles in about a millisecond. */
    public static final int MAX_SIZE = 10_000;
    /** Saturation, so that sizes cannot overflow whatever a pattern says. */
    private static final long HUGE = 1L << 40;

    private RegexLimits() {}

    /** Why {@code pattern} is refused, or null if it may be compiled (it may still be invalid: RE2 says so then). */
    public static String problem(String pattern) {
        Measure measure = measure(pattern);
        if (measure.repeat > MAX_REPEAT) {
            return "the pattern " + quote(pattern) + " nests counted repetitions ({n}) to " + describe(measure.repeat)
                    + " copies, more than " + MAX_REPEAT + ": RE2 writes them all out when it compiles the pattern";
        }
        if (measure.size > MAX_SIZE) {
            return "the pattern " + quote(pattern) + " expands to " + describe(measure.size)
                    + " instructions, more than " + MAX_SIZE
                    + ": RE2 writes out every repetition when it compiles the pattern";
        }
        return null;
    }

    /** An estimate of RE2J's program size, and the largest product of nested counted repetitions. */
    record Measure(long size, long repeat) {}

    static Measure measure(String pattern) {
        Deque<Group> open = new ArrayDeque<>();
        Group group = new Group();
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 < n && pattern.charAt(i + 1) == 'Q') {
                        int end = pattern.indexOf("\\E", i + 2);
                        int stop = end < 0 ? n : end;
                        for (int k = i + 2; k < stop; k++) {
                            group.atom(1, 1);
                        }
                        i = end < 0 ? n : end + 2;
                    } else {
                        i = skipEscape(pattern, i);
                        group.atom(1, 1);
                    }
                }
                case '[' -> {
                    i = skipClass(pattern, i);
                    group.atom(1, 1);
                }
                case '(' -> {
                    open.push(group);
                    group = new Group();
                    i++;
                }
                case ')' -> {
                    if (!open.isEmpty()) {
                        Group inner = group;
                        group = open.pop();
                        // A capture is two instructions around its contents.
                        group.atom(inner.size() + 2, inner.repeat());
                    }
                    i++;
                }
                case '|' -> {
                    group.alternative();
                    i++;
                }
                case '*', '+', '?' -> {
                    group.repeat(1, 1, 1);
                    i++;
                    if (i < n && pattern.charAt(i) == '?') {
                        i++;
                    }
                }
                case '{' -> {
                    int end = pattern.indexOf('}', i);
                    long[] counts = end < 0 ? null : counts(pattern.substring(i + 1, end));
                    if (counts == null) {
                        // Not a repetition: RE2 takes the brace literally.
                        group.atom(1, 1);
                        i++;
                    } else {
                        long min = counts[0];
                        long max = counts[1];
                        // x{n,m} is n copies and m-n optional ones; x{n,} is n copies and a star.
                        long copies = max < 0 ? min + 1 : Math.max(max, 1);
                        group.repeat(copies, max < 0 ? min : max, 1);
                        i = end + 1;
                        if (i < n && pattern.charAt(i) == '?') {
                            i++;
                        }
                    }
                }
                default -> {
                    group.atom(1, 1);
                    i++;
                }
            }
        }
        while (!open.isEmpty()) {
            Group inner = group;
            group = open.pop();
            group.atom(inner.size() + 2, inner.repeat());
        }
        return new Measure(group.size(), group.repeat());
    }

    /** {@code n}, {@code n,} or {@code n,m} as {min, max} (max -1 for none); null if the braces are no repetition. */
    private static long[] counts(String inside) {
        int comma = inside.indexOf(',');
        String min = comma < 0 ? inside : inside.substring(0, comma);
        String max = comma < 0 ? inside : inside.substring(comma + 1);
        if (!digits(min) || !(digits(max) || comma >= 0 && max.isEmpty())) {
            return null;
        }
        return new long[] {number(min), max.isEmpty() ? -1 : number(max)};
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static long number(String digits) {
        return digits.length() > 9 ? HUGE : Math.min(Long.parseLong(digits), HUGE);
    }

    /** The index after an escape that starts at {@code i} (a backslash). */
    private static int skipEscape(String pattern, int i) {
        int next = i + 1;
        if (next >= pattern.length()) {
            return next;
        }
        char kind = pattern.charAt(next);
        if ((kind == 'p' || kind == 'P' || kind == 'x')
                && next + 1 < pattern.length()
                && pattern.charAt(next + 1) == '{') {
            int end = pattern.indexOf('}', next);
            return end < 0 ? pattern.length() : end + 1;
        }
        return next + 1;
    }

    /** The index after a character class that starts at {@code i} (its bracket). */
    private static int skipClass(String pattern, int i) {
        int k = i + 1;
        if (k < pattern.length() && pattern.charAt(k) == '^') {
            k++;
        }
        if (k < pattern.length() && pattern.charAt(k) == ']') {
            k++;
        }
        while (k < pattern.length()) {
            char c = pattern.charAt(k);
            if (c == '\\') {
                k = skipEscape(pattern, k);
            } else if (c == '[' && pattern.startsWith("[:", k)) {
                int end = pattern.indexOf(":]", k + 2);
                k = end < 0 ? k + 1 : end + 2;
            } else if (c == ']') {
                return k + 1;
            } else {
                k++;
            }
        }
        return k;
    }

    private static String quote(String pattern) {
        return "'" + (pattern.length() > 60 ? pattern.substring(0, 57) + "..." : pattern) + "'";
    }

    private static String describe(long count) {
        return count >= HUGE ? "more than " + HUGE : Long.toString(count);
    }

    /** One level of parentheses: its alternatives so far, the one being read, and its last atom (what a repetition repeats). */
    private static final class Group {

        private long alternatives;
        private long branch;
        private long last = -1;
        private long lastRepeat = 1;
        private long repeat = 1;
        private int branches = 1;

        void atom(long size, long nestedRepeat) {
            branch = add(branch, size);
            last = size;
            lastRepeat = nestedRepeat;
            repeat = Math.max(repeat, nestedRepeat);
        }

        /** Repeats the last atom: {@code copies} copies of it in all, and {@code count} counting toward nesting. */
        void repeat(long copies, long count, long extra) {
            if (last < 0) {
                return;
            }
            branch = add(branch, add(multiply(last, copies) - last, extra));
            repeat = Math.max(repeat, multiply(lastRepeat, Math.max(count, 1)));
            // RE2 refuses a repetition of a repetition, so there is nothing left to repeat.
            last = -1;
        }

        void alternative() {
            alternatives = add(alternatives, branch);
            branch = 0;
            last = -1;
            branches++;
        }

        long size() {
            return add(add(alternatives, branch), branches - 1);
        }

        long repeat() {
            return repeat;
        }

        private static long add(long a, long b) {
            return Math.min(a + b, HUGE);
        }

        private static long multiply(long a, long b) {
            return a == 0 || b == 0 ? 0 : a > HUGE / b ? HUGE : Math.min(a * b, HUGE);
        }
    }
}
