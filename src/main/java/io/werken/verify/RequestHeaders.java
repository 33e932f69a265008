package io.werken.verify;

/** Read access to the request headers a signature scheme needs (names are case-insensitive). */
@FunctionalInterface
public interface RequestHeaders {

    /** The header's value, or null when the request does not carry it. */
    String get(String name);
}
