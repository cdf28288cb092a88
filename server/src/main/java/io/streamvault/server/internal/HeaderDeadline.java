package io.streamvault.server.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes a connection that sends no whole request head (request line and headers) within a time
 * limit of opening or of its last response: a client that trickles its headers a byte at a time
 * (slowloris) cannot hold a connection, as it can against an idle timeout alone (every byte resets
 * that). Keep-alive connections left idle end the same way. Each connection is looked at once per
 * limit: it is closed when it has had no request in flight and no new request for a whole limit
 * (so between one and two limits after its last activity). A connection's events and timers all run
 * on its own event loop; only the map is shared.
 */
public final class HeaderDeadline {
    /** One connection: when it last opened, began or was seen serving a request, and its requests in flight. */
    private static final class State {
        long lastActiveMs;
        final List<HttpServerRequest> inFlight = new ArrayList<>();
    }

    private final Vertx vertx;
    private final long ms;
    private final Map<HttpConnection, State> open = new ConcurrentHashMap<>();

    public HeaderDeadline(Vertx vertx, Duration limit) {
        this.vertx = vertx;
        this.ms = Math.max(1, limit.toMillis());
    }

    /** A new connection: its first request head must arrive in time. */
    public void connected(HttpConnection c) {
        State s = new State();
        s.lastActiveMs = now();
        open.put(c, s);
        c.closeHandler(v -> open.remove(c));
        check(c, s);
    }

    /** A request's head arrived. */
    public void started(HttpServerRequest req) {
        State s = open.get(req.connection());
        if (s != null) {
            s.lastActiveMs = now();
            s.inFlight.add(req);
        }
    }

    private void check(HttpConnection c, State s) {
        long wait = s.lastActiveMs + ms - now();
        vertx.setTimer(Math.max(1, wait), id -> {
            if (!open.containsKey(c)) {
                return;
            }
            s.inFlight.removeIf(r -> r.response().ended() || r.response().closed());
            if (!s.inFlight.isEmpty()) {
                s.lastActiveMs = now();
            }
            if (now() - s.lastActiveMs >= ms) {
                open.remove(c);
                c.close();
            } else {
                check(c, s);
            }
        });
    }

    private static long now() {
        return System.nanoTime() / 1_000_000L;
    }
}
