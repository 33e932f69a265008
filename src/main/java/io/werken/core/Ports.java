package io.werken.core;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The ports Werken listens on, checked before anything is started or created, and the one-line refusal for a port that
 * is taken, whether the check finds it or the server's own bind does (something took the port in between).
 */
public final class Ports {

    /**
     * Set only by tests, to reach the servers' own binds with the port already taken (the race the check cannot
     * catch): every pre-check then passes.
     */
    static final String SKIP_CHECKS = "werken.test.skip-port-checks";

    private Ports() {}

    /** Refuses Werken's start if {@code port} (0: any free port, never checked) cannot be listened on at {@code host}. */
    public static void refuseIfTaken(String setting, String host, int port) {
        refuseIfTaken(setting, host, port, null);
    }

    /** {@link #refuseIfTaken(String, String, int)}, with {@code hint} (or null) added to the refusal. */
    public static void refuseIfTaken(String setting, String host, int port, String hint) {
        if (port == 0 || Boolean.getBoolean(SKIP_CHECKS)) {
            return;
        }
        // Bound the way the servers bind (SO_REUSEADDR, as Vert.x and Broker-J do), so that a port they could take
        // passes, and a port only in TIME_WAIT is not refused.
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw inUse(setting, host, port, hint);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw new StartupRefusedException(
                    "Port " + port + " (" + setting + ") cannot be listened on at " + host + ": " + e.getMessage(), e);
        }
    }

    /** Whether something listens on {@code port} at {@code host} (whatever the tests' setting). */
    public static boolean taken(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
            return false;
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            return e instanceof BindException;
        }
    }

    /** The refusal for a port something else listens on. */
    public static StartupRefusedException inUse(String setting, String host, int port, String hint) {
        return new StartupRefusedException(
                "Port " + port + " (" + setting + ") is in use on " + host + ": stop what listens there, or set "
                        + setting + " to a free port." + (hint == null ? "" : " " + hint));
    }

    /** Whether {@code e}, or one of its causes, is a failed bind: the address is in use. */
    public static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }
}
