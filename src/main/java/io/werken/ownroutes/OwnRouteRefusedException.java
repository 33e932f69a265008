package io.werken.ownroutes;

/**
 * An own route file Werken will not load: it does not parse, defines something other than routes, or takes a route id
 * that is Werken's or another file's ("refused"); or Camel cannot create or start its routes, e.g. a component Werken
 * does not have ({@link #cannotStart}). The message names the file and the problem, in one line.
 */
public class OwnRouteRefusedException extends RuntimeException {

    public OwnRouteRefusedException(String file, String problem) {
        super("Own route file " + file + " refused: " + problem);
    }

    private OwnRouteRefusedException(String message) {
        super(message);
    }

    /** The file passed the guard, but Camel cannot create or start its routes, for {@code cause}. */
    public static OwnRouteRefusedException cannotStart(String file, String cause) {
        return new OwnRouteRefusedException("Own route file " + file + " cannot start: " + cause);
    }
}
