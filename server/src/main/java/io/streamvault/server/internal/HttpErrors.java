package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from errors to HTTP: every failure of every route ends here and becomes
 * {@code {"code": "<ErrorCode id>", "message": "..."}} with the status {@link #status} gives.
 */
public final class HttpErrors {
    /** When a client refused for a full queue may ask again (Retry-After), in seconds. */
    static final int RETRY_AFTER_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    /**
     * The HTTP status of each error code; documented in openapi.json (the Error schema's code).
     * Every code is listed, none falls through a default: a new code does not compile until it has
     * a status here.
     */
    public static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT, UNSAFE_PATH, AMBIGUOUS_SNAPSHOT -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN, PERMISSION_DENIED -> 403;
            case SNAPSHOT_NOT_FOUND, PATH_NOT_FOUND, PLAN_NOT_FOUND, NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case PAYLOAD_TOO_LARGE -> 413;
            case CONFLICT, PLAN_EXISTS, CANCELLED, VAULT_LOCKED, SNAPSHOT_LOCKED, FENCED, VAULT_DAMAGED -> 409;
            case RANGE_NOT_SATISFIABLE -> 416;
            case QUEUE_FULL -> 429;
            case UNSUPPORTED -> 501;
            case STORAGE_UNAVAILABLE, STORAGE_DENIED, BROKER_UNREACHABLE, REGISTRY_ERROR -> 503;
            case TIMEOUT -> 504;
            case SOURCE_NOT_FOUND, VAULT_NOT_INITIALIZED, VAULT_EXISTS, WRONG_PASSWORD, PASSWORD_MISSING, CORRUPT_OBJECT,
                    OBJECT_NOT_FOUND, MALFORMED_RECORD, IO_ERROR, STATE_LOCKED, JOB_FAILED, INTERNAL -> 500;
        };
    }

    /** The error code of any failure. */
    public static ErrorCode code(Throwable t) {
        if (t instanceof StreamVaultException s) {
            return s.code();
        }
        if (t instanceof DecodeException || t instanceof IllegalArgumentException || t instanceof ClassCastException) {
            return ErrorCode.INVALID_ARGUMENT;
        }
        return ErrorCode.INTERNAL;
    }

    /** The code of a status that the router produced without an exception (no route, no method, ...). */
    public static ErrorCode codeOfStatus(int status) {
        return switch (status) {
            case 400, 415 -> ErrorCode.INVALID_ARGUMENT;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            default -> ErrorCode.INTERNAL;
        };
    }

    /** Makes {@code router} answer every failure and every status it produces itself with the error body. */
    public static void install(Router router) {
        router.route().failureHandler(HttpErrors::handle);
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            router.errorHandler(status, ctx -> handle(ctx, status));
        }
    }

    /** Ends the request with the error body and the status of {@code code} (counted by its code: {@link ServerMeters}). */
    public static void send(RoutingContext ctx, ErrorCode code, String message) {
        ctx.put(ServerMeters.ERROR, code.id());
        var resp = ctx.response();
        if (resp.headWritten()) {
            resp.reset(); // a streamed body cannot carry an error any more: abort the connection
            return;
        }
        int status = status(code);
        if (status == 401) {
            resp.putHeader("WWW-Authenticate", "Bearer realm=\"streamvault\"");
        }
        if (code == ErrorCode.QUEUE_FULL) {
            resp.putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        if (code == ErrorCode.PAYLOAD_TOO_LARGE) {
            resp.putHeader("Connection", "close"); // the rest of the body is not read: the connection ends
        }
        resp.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("code", code.id()).put("message", message).encode());
    }

    /** The router's failure handler: an exception, or a status set by the router. */
    public static void handle(RoutingContext ctx) {
        handle(ctx, ctx.statusCode());
    }

    /** The router's error handler for {@code status}: an exception, or that status without one. */
    public static void handle(RoutingContext ctx, int status) {
        Throwable t = ctx.failure();
        if (t == null) {
            ErrorCode c = codeOfStatus(status);
            send(ctx, c, c == ErrorCode.NOT_FOUND ? "no such resource: " + ctx.request().path()
                    : c == ErrorCode.METHOD_NOT_ALLOWED ? ctx.request().method() + " is not allowed on " + ctx.request().path()
                    : c == ErrorCode.PAYLOAD_TOO_LARGE ? Api.bodyTooLarge()
                    : c.description());
            return;
        }
        ErrorCode code = code(t);
        if (code == ErrorCode.INTERNAL && status >= 400 && status < 500) {
            // the router refused the request itself (no Host header, a malformed path): the client's fault
            code = codeOfStatus(status);
            if (code == ErrorCode.INTERNAL) {
                code = ErrorCode.INVALID_ARGUMENT;
            }
        } else if (code == ErrorCode.INTERNAL) {
            LOG.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), t);
        }
        String msg = t instanceof DecodeException ? "request body is not valid JSON: " + t.getMessage()
                : t.getMessage() == null ? t.toString() : t.getMessage();
        send(ctx, code, msg);
    }
}
