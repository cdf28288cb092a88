package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.RawPaths;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

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
