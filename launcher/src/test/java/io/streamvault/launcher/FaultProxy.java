package io.streamvault.launcher;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP/1.1 proxy for tests, in front of a storage emulator (Azurite): one request
 * per connection (it asks both sides to close), and with probability {@link #rate} a request meets
 * one fault: an answer delayed, {@code 503 Server Busy} or {@code 429 Too Many Requests} without
 * forwarding, the connection reset before forwarding, reset after forwarding (the request took
 * effect, its answer is lost), or the answer cut off half-way.
 */
final class FaultProxy implements AutoCloseable {
    enum Fault { LATENCY, BUSY_503, THROTTLED_429, RESET_BEFORE, RESET_AFTER, TRUNCATED }

    /** The longest a request line and headers may be. */
    private static final int MAX_HEAD = 64 << 10;
    /** The longest delay a LATENCY fault adds, in ms. */
    private static final int MAX_LATENCY_MS = 800;

    private final ServerSocket server;
    private final int upstream;
    private final Random rnd;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile double rate;
    /** The only fault injected, or null for any. */
    private volatile Fault only;

    private FaultProxy(int upstream, long seed) throws IOException {
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.upstream = upstream;
        this.rnd = new Random(seed);
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicInteger());
        }
        pool.execute(this::accept);
    }

    /** A proxy on a free loopback port forwarding to {@code upstreamPort} on the loopback address. */
    static FaultProxy start(int upstreamPort, long seed) throws IOException {
        return new FaultProxy(upstreamPort, seed);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The share of requests that meet a fault (0 forwards everything untouched). */
    void rate(double r) {
        rate = r;
    }

    /** Injects only this fault (null: any). */
    void only(Fault f) {
        only = f;
    }

    int requests() {
        return requests.get();
    }

    /** How many requests met each fault so far. */
    String injected() {
        StringBuilder s = new StringBuilder();
        injected.forEach((f, n) -> s.append(s.length() == 0 ? "" : ", ").append(f.name().toLowerCase(Locale.ROOT))
                .append(' ').append(n.get()));
        return s.toString();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                pool.execute(() -> serve(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private Fault pick() {
        synchronized (rnd) {
            if (rnd.nextDouble() >= rate) {
                return null;
            }
            Fault[] all = Fault.values();
            return only != null ? only : all[rnd.nextInt(all.length)];
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(120_000);
            InputStream in = new BufferedInputStream(client.getInputStream());
            String head = readHead(in);
            if (head == null) {
                return;
            }
            requests.incrementAndGet();
            byte[] body = readBody(in, head);
            Fault f = pick();
            if (f != null) {
                injected.get(f).incrementAndGet();
            }
            OutputStream out = client.getOutputStream();
            if (f == Fault.BUSY_503 || f == Fault.THROTTLED_429) {
                boolean busy = f == Fault.BUSY_503;
                String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + (busy ? "ServerBusy" : "TooManyRequests")
                        + "</Code><Message>injected by the fault proxy</Message></Error>";
                out.write(((busy ? "HTTP/1.1 503 Server Busy" : "HTTP/1.1 429 Too Many Requests") + "\r\nContent-Type: application/xml"
                        + "\r\nx-ms-error-code: " + (busy ? "ServerBusy" : "TooManyRequests") + "\r\nRetry-After: 1\r\nContent-Length: "
                        + xml.length() + "\r\nConnection: close\r\n\r\n" + xml).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            if (f == Fault.RESET_BEFORE) {
                reset(client);
                return;
            }
            if (f == Fault.LATENCY) {
                Thread.sleep(rndInt(MAX_LATENCY_MS));
            }
            byte[] answer = forward(head, body);
            if (f == Fault.RESET_AFTER) {
                reset(client);
                return;
            }
            if (f == Fault.TRUNCATED) {
                out.write(answer, 0, answer.length / 2);
                out.flush();
                reset(client);
                return;
            }
            out.write(answer);
            out.flush();
        } catch (IOException e) {
            // the client went away, or the emulator is down (restarted by the test): the client sees the connection end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int rndInt(int bound) {
        synchronized (rnd) {
            return rnd.nextInt(bound);
        }
    }

    /** Sends the request to the emulator (asking it to close after answering) and reads its whole answer. */
    private byte[] forward(String head, byte[] body) throws IOException {
        try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstream)) {
            up.setSoTimeout(120_000);
            StringBuilder h = new StringBuilder();
            String[] lines = head.split("\r\n");
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:") || lower.startsWith("upgrade:") || lower.startsWith("http2-settings:")
                        || lower.startsWith("keep-alive:")) {
                    continue;
                }
                h.append(line).append("\r\n");
            }
            h.append("Connection: close\r\n\r\n");
            OutputStream o = up.getOutputStream();
            o.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            o.write(body);
            o.flush();
            return closing(up.getInputStream().readAllBytes());
        }
    }

    /**
     * The answer with {@code Connection: close} in its head: the proxy ends every client connection
     * after one answer, and a client that was not told so would send its next request on it.
     */
    private static byte[] closing(byte[] answer) {
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return answer;
        }
        StringBuilder h = new StringBuilder();
        for (String line : text.substring(0, end).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("connection:") && !lower.startsWith("keep-alive:")) {
                h.append(line).append("\r\n");
            }
        }
        h.append("Connection: close\r\n\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + answer.length - end - 4];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(answer, end + 4, out, head.length, answer.length - end - 4);
        return out;
    }

    /** The request line and headers without the blank line; null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : c == '\r' ? 1 : 0;
            if (b.size() > MAX_HEAD) {
                throw new IOException("request head too long");
            }
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    /** The body as it came (a chunked one with its framing, which is forwarded as is). */
    private static byte[] readBody(InputStream in, String head) throws IOException {
        long length = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            return in.readNBytes((int) length);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (;;) {
            String size = readLine(in);
            b.write((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                String trailer;
                while (!(trailer = readLine(in)).isEmpty()) {
                    b.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                b.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return b.toByteArray();
            }
            b.write(in.readNBytes(n));
            b.write((readLine(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c; (c = in.read()) >= 0;) {
            if (c == '\n') {
                return s.toString().replaceAll("\r$", "");
            }
            s.append((char) c);
        }
        throw new IOException("end of stream in a chunked body");
    }

    /** Closes with a TCP reset (SO_LINGER 0) rather than an orderly end. */
    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
