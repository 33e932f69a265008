package io.werken.ownroutes;

/**
 * An own route file Werken will not load: it does not parse, defines something other than routes, or takes a route id
 * that is Werken's or another file's. The message names the file and the problem, in one line.
 */
public class OwnRouteRefusedException extends RuntimeException {

    public OwnRouteRefusedException(String file, String problem) {
        super("Own route file " + file + " refused: " + problem);
    }
}
