package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reading a request's parameters; a bad one is an {@link ErrorCode#INVALID_ARGUMENT} error. */
final class Params {
    private Params() {
    }

    static FatalException invalid(String msg) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, msg);
    }

    /** A query parameter between {@code min} and {@code max}, or {@code def} when absent. */
    static int intParam(RoutingContext ctx, String name, int def, int min, int max) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw invalid("query parameter " + name + "=" + v + " is not between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid("query parameter " + name + "=" + v + " is not a number");
        }
    }

    /**
     * A snapshot named for deletion: an id or a unique prefix, not {@code latest}, which changes as
     * backups seal (a deletion must not hit a snapshot sealed after the caller looked).
     *
     * @param what the parameter or field, for the message
     */
    static String named(String id, String what) {
        if (id == null || id.isBlank()) {
            throw invalid(what + ": a snapshot id or a unique prefix is required");
        }
        if (id.equals("latest")) {
            throw invalid(what + ": \"latest\" is not accepted for a deletion (it changes as backups seal): name the"
                    + " snapshot by its id or a unique prefix");
        }
        return id;
    }

    /** A query parameter that is true or false, {@code def} when absent. */
    static boolean boolParam(RoutingContext ctx, String name, boolean def) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return def;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid("query parameter " + name + "=" + v + " is not true or false");
        };
    }

    /** Refuses a query parameter not in {@code known}: a misspelt switch must not be ignored. */
    static void onlyKnownParams(RoutingContext ctx, Set<String> known) {
        for (String name : ctx.queryParams().names()) {
            if (!known.contains(name)) {
                throw invalid("unknown query parameter " + name + " (known: " + String.join(", ", new TreeSet<>(known))
                        + ")");
            }
        }
    }

    /** The raw bytes after {@code /snapshots/ID/KIND/} in the undecoded request path, split into names. */
    static List<byte[]> snapshotPath(RoutingContext ctx, String kind) {
        String raw = ctx.request().path();
        String marker = Api.BASE + "/snapshots/";
        int i = raw.indexOf(marker);
        if (i < 0) {
            return List.of();
        }
        String rest = raw.substring(i + marker.length());
        int slash = rest.indexOf('/');
        rest = slash < 0 ? "" : rest.substring(slash + 1); // drop the id
        if (!rest.startsWith(kind)) {
            return List.of();
        }
        rest = rest.substring(kind.length());
        byte[] bytes = PathCodec.decode(rest);
        try {
            return RawPaths.splitRelative(bytes);
        } catch (FatalException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    /** A path inside a snapshot for messages: display names joined by '/'. */
    static String display(List<byte[]> path) {
        StringBuilder sb = new StringBuilder();
        for (byte[] n : path) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(RawPaths.display(n));
        }
        return sb.toString();
    }
}
