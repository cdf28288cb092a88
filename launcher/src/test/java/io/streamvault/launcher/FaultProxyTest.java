package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault campaign's proxy injects each fault it names, and forwards untouched otherwise. */
class FaultProxyTest {
    private final byte[] body = new byte[100_000];
    private final AtomicInteger puts = new AtomicInteger();
    private HttpServer upstream;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        new Random(1).nextBytes(body);
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", x -> {
            if (x.getRequestMethod().equals("PUT")) {
                x.getRequestBody().readAllBytes();
                puts.incrementAndGet();
                x.sendResponseHeaders(201, -1);
            } else {
                x.sendResponseHeaders(200, body.length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(body);
                }
            }
            x.close();
        });
        upstream.start();
        proxy = FaultProxy.start(upstream.getAddress().getPort(), 7);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        upstream.stop(0);
    }

    private HttpURLConnection open(String method) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + proxy.port() + "/blob").toURL()
                .openConnection();
        c.setRequestMethod(method);
        c.setReadTimeout(10_000);
        if (method.equals("PUT")) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(3);
            try (OutputStream o = c.getOutputStream()) {
                o.write(new byte[] {1, 2, 3});
            }
        }
        return c;
    }

    private byte[] get() throws IOException {
        HttpURLConnection c = open("GET");
        try (InputStream in = c.getInputStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void forwardsUntouchedWithoutFaultsOrWithLatency() throws IOException {
        assertArrayEquals(body, get());
        proxy.rate(1);
        proxy.only(FaultProxy.Fault.LATENCY);
        assertArrayEquals(body, get());
        assertEquals(201, open("PUT").getResponseCode());
        assertEquals(1, puts.get());
    }

    @Test
    void answersBusyAndThrottledWithoutForwarding() throws IOException {
        proxy.rate(1);
        proxy.only(FaultProxy.Fault.BUSY_503);
        assertEquals(503, open("PUT").getResponseCode());
        proxy.only(FaultProxy.Fault.THROTTLED_429);
        assertEquals(429, open("PUT").getResponseCode());
        assertEquals(0, puts.get());
    }

    @Test
    void resetsBeforeOrAfterTheRequestTookEffectAndCutsAnswers() throws IOException {
        proxy.rate(1);
        proxy.only(FaultProxy.Fault.RESET_BEFORE);
        assertThrows(IOException.class, () -> open("PUT").getResponseCode());
        assertEquals(0, puts.get());
        proxy.only(FaultProxy.Fault.RESET_AFTER);
        assertThrows(IOException.class, () -> open("PUT").getResponseCode());
        assertEquals(1, puts.get(), "the request took effect, its answer was lost");
        proxy.only(FaultProxy.Fault.TRUNCATED);
        assertThrows(IOException.class, this::get);
    }
}
