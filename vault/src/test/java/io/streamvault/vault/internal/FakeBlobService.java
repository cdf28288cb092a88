package io.streamvault.vault.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the Azure Blob service on a loopback port that records every request (method, path,
 * query, headers) and answers the few requests of immutability and the service clock from a state the
 * test sets: Get Container Properties, Get Blob Properties, Set Blob Immutability Policy and Set Blob
 * Legal Hold, in path style ({@code /ACCOUNT/CONTAINER/BLOB}). Anything else gets a 400. Every response
 * carries a {@code Date} header from the service's clock ({@link #clockOffset} from this machine's).
 *
 * <p>A plain socket server: {@code com.sun.net.httpserver} replaces any {@code Date} header with the
 * local clock, which would hide whose clock the backend reads.
 */
final class FakeBlobService implements AutoCloseable {
    static final String ACCOUNT = "devstoreaccount1";
    static final String CONTAINER = "backups";
    /** As the service writes dates: two-digit days ({@code DateTimeFormatter.RFC_1123_DATE_TIME} writes one, which the SDK refuses). */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    /** One request as received; header names lower-case. */
    record Request(String method, String path, Map<String, String> query, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return method + " " + path + " " + query + " " + headers;
        }
    }

    /** A blob's immutability state, as the service's header values ({@code until} RFC 1123, {@code mode} Locked or Unlocked). */
    static final class Blob {
        volatile String until;
        volatile String mode;
        volatile boolean legalHold;
    }

    private record Response(int status, Map<String, String> headers, String body) {
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Blobs by their name in the container. */
    final Map<String, Blob> blobs = new ConcurrentHashMap<>();
    volatile boolean containerExists = true;
    /** The value of {@code x-ms-immutable-storage-with-versioning-enabled} on the container, or null to send none. */
    volatile String versioning;
    /** When not 0, the status with which Get Container Properties is refused. */
    volatile int containerRefusal;
    volatile Duration clockOffset = Duration.ZERO;
    volatile boolean sendDate = true;

    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

    private FakeBlobService() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fake-blob-service");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FakeBlobService start() throws IOException {
        return new FakeBlobService();
    }

    /** The account's blob endpoint, e.g. {@code http://127.0.0.1:4711/devstoreaccount1}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/" + ACCOUNT;
    }

    /** Adds a blob (its name in the container), without a policy. */
    Blob addBlob(String name) {
        Blob b = new Blob();
        blobs.put(name, b);
        return b;
    }

    /** The service's clock now. */
    Instant now() {
        return Instant.now().plus(clockOffset);
    }

    static String rfc1123(Instant t) {
        return HTTP_DATE.format(t);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : connections) {
            s.close();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.add(s);
                Thread t = new Thread(() -> serve(s), "fake-blob-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = new BufferedOutputStream(socket.getOutputStream())) {
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split(" ");
                Map<String, String> headers = new LinkedHashMap<>();
                for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
                    int colon = h.indexOf(':');
                    headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
                }
                in.skipNBytes(Long.parseLong(headers.getOrDefault("content-length", "0")));
                String target = parts[1];
                int q = target.indexOf('?');
                Request r = new Request(parts[0], decode(q < 0 ? target : target.substring(0, q)),
                        query(q < 0 ? "" : target.substring(q + 1)), headers);
                requests.add(r);
                write(out, r, answer(r));
                out.flush();
            }
        } catch (IOException e) {
            // the client closed the connection, or close() did
        } finally {
            connections.remove(socket);
        }
    }

    private Response answer(Request r) {
        String container = "/" + ACCOUNT + "/" + CONTAINER;
        boolean read = r.method().equals("GET") || r.method().equals("HEAD");
        String comp = r.query().get("comp");
        if (r.path().equals(container) && "container".equals(r.query().get("restype")) && comp == null && read) {
            if (containerRefusal != 0) {
                return error(containerRefusal, "FeatureNotSupportedByFake");
            }
            if (!containerExists) {
                return error(404, "ContainerNotFound");
            }
            Map<String, String> h = standard();
            if (versioning != null) {
                h.put("x-ms-immutable-storage-with-versioning-enabled", versioning);
            }
            return new Response(200, h, "");
        }
        if (r.path().startsWith(container + "/")) {
            if (!containerExists) {
                return error(404, "ContainerNotFound");
            }
            Blob b = blobs.get(r.path().substring(container.length() + 1));
            if (b == null) {
                return error(404, "BlobNotFound");
            }
            Map<String, String> h = standard();
            if (r.method().equals("HEAD") && comp == null) {
                h.put("Content-Length", "3");
                h.put("x-ms-blob-type", "BlockBlob");
                h.put("x-ms-legal-hold", String.valueOf(b.legalHold));
                if (b.until != null) {
                    h.put("x-ms-immutability-policy-until-date", b.until);
                    h.put("x-ms-immutability-policy-mode", b.mode);
                }
                return new Response(200, h, "");
            }
            if (r.method().equals("PUT") && "immutabilityPolicies".equals(comp)) {
                b.until = r.header("x-ms-immutability-policy-until-date");
                b.mode = r.header("x-ms-immutability-policy-mode");
                h.put("x-ms-immutability-policy-until-date", b.until);
                h.put("x-ms-immutability-policy-mode", b.mode);
                return new Response(200, h, "");
            }
            if (r.method().equals("DELETE") && comp == null) {
                // as the service: a blob under a legal hold or an unexpired policy is not deleted
                if (b.legalHold) {
                    return error(409, "BlobImmutableDueToLegalHold");
                }
                if (b.until != null) {
                    return error(409, "BlobImmutableDueToPolicy");
                }
                blobs.remove(r.path().substring(container.length() + 1));
                return new Response(202, h, "");
            }
            if (r.method().equals("PUT") && "legalhold".equals(comp)) {
                b.legalHold = Boolean.parseBoolean(r.header("x-ms-legal-hold"));
                h.put("x-ms-legal-hold", String.valueOf(b.legalHold));
                return new Response(200, h, "");
            }
        }
        return error(400, "UnsupportedByFake");
    }

    private static Map<String, String> standard() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ETag", "\"0x8D0000000000001\"");
        h.put("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT");
        return h;
    }

    private static Response error(int status, String code) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-ms-error-code", code);
        h.put("Content-Type", "application/xml");
        return new Response(status, h, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code
                + "</Code><Message>" + code + " (fake blob service)</Message></Error>");
    }

    private void write(OutputStream out, Request r, Response resp) throws IOException {
        byte[] body = resp.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder("HTTP/1.1 " + resp.status() + (resp.status() < 400 ? " OK" : " Error") + "\r\n");
        Map<String, String> h = new LinkedHashMap<>(resp.headers());
        h.putIfAbsent("Content-Length", String.valueOf(body.length));
        h.put("x-ms-request-id", UUID.randomUUID().toString());
        h.put("x-ms-version", r.headers().getOrDefault("x-ms-version", "2025-01-05"));
        if (sendDate) {
            h.put("Date", rfc1123(now()));
        }
        h.forEach((k, v) -> s.append(k).append(": ").append(v).append("\r\n"));
        s.append("\r\n");
        out.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!r.method().equals("HEAD")) {
            out.write(body);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static Map<String, String> query(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : q.split("&")) {
            if (!p.isEmpty()) {
                int eq = p.indexOf('=');
                out.put(decode(eq < 0 ? p : p.substring(0, eq)), eq < 0 ? "" : decode(p.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
