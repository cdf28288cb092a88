package io.streamvault.schemas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.RetryableException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.schemas.AvroSerde;
import io.streamvault.schemas.RegistryHttpServer;
import io.streamvault.schemas.Samples;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.DirTask;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final MemorySchemaRegistry backend = new MemorySchemaRegistry();
    private RegistryHttpServer server;
    private HttpServer raw;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (raw != null) {
            raw.stop(0);
        }
    }

    @Test
    void registersAndFetchesSchemasOverHttp() {
        server = RegistryHttpServer.start(backend, ANY_PORT);
        SchemaRegistry client = new RestSchemaRegistry(server.url(), "", TIMEOUT);
        Schema s = ChunkRecord.getClassSchema();
        int id = client.register("chunks-value", s);
        assertEquals(SchemaIds.of(s), id, "the server's registry chose the id");
        assertEquals(id, client.register("chunks-value", s), "registering again is idempotent");
        assertEquals(id, client.register("other-value", s));
        client.register("chunks-value", DirTask.getClassSchema());

        SchemaRegistry fresh = new RestSchemaRegistry(server.url() + "/", "", TIMEOUT);
        assertEquals(s, fresh.schemaById(id));
        assertEquals(List.of("chunks-value", "other-value"), fresh.subjects());
        assertEquals(List.of(id, SchemaIds.of(DirTask.getClassSchema())), fresh.subjectIds("chunks-value"));
        assertEquals(List.of(), fresh.subjectIds("nobody-value"));

        FatalException unknown = assertThrows(FatalException.class, () -> fresh.schemaById(12345));
        assertEquals(ErrorCode.MALFORMED_RECORD, unknown.code());
        assertTrue(unknown.getMessage().contains("12345") && unknown.getMessage().contains(server.url()),
                unknown.getMessage());
    }

    @Test
    void serdesWorkThroughTheRestClient() {
        server = RegistryHttpServer.start(backend, ANY_PORT);
        AvroSerde<ChunkStored> writer = AvroSerde.forValues(new RestSchemaRegistry(server.url(), "", TIMEOUT),
                ChunkStored.class);
        AvroSerde<ChunkStored> reader = AvroSerde.forValues(new RestSchemaRegistry(server.url(), "", TIMEOUT),
                ChunkStored.class);
        for (int i = 0; i < 10; i++) {
            byte[] wire = writer.serializer().serialize("stored", Samples.stored(i));
            assertEquals(Samples.stored(i), reader.deserializer().deserialize("stored", wire));
        }
    }

    @Test
    void basicAuthIsRequiredAndAWrongPasswordIsRefused() {
        server = RegistryHttpServer.start(backend, ANY_PORT, "alice:s3cret:with:colons");
        Schema s = DirTask.getClassSchema();

        FatalException none = assertThrows(FatalException.class,
                () -> new RestSchemaRegistry(server.url(), "", TIMEOUT).register("t-value", s));
        assertEquals(ErrorCode.REGISTRY_ERROR, none.code());
        assertTrue(none.getMessage().contains("HTTP 401") && none.getMessage().contains("40101")
                && none.getMessage().contains("schema.registry.basic.auth.user.info"), none.getMessage());

        FatalException wrong = assertThrows(FatalException.class,
                () -> new RestSchemaRegistry(server.url(), "alice:guess", TIMEOUT).register("t-value", s));
        assertTrue(wrong.getMessage().contains("HTTP 401"), wrong.getMessage());
        assertTrue(backend.subjects().isEmpty(), "nothing was registered");

        int id = new RestSchemaRegistry(server.url(), "alice:s3cret:with:colons", TIMEOUT).register("t-value", s);
        String withUserInfo = server.url().replace("http://", "http://alice:s3cret%3Awith%3Acolons@");
        assertEquals(s, new RestSchemaRegistry(withUserInfo, "", TIMEOUT).schemaById(id));
        assertTrue(new RestSchemaRegistry(withUserInfo, "", TIMEOUT).location().endsWith(server.url()),
                "credentials never appear in messages");
    }

    @Test
    void theApiAnswersConfluentErrors() throws Exception {
        server = RegistryHttpServer.start(backend, ANY_PORT);
        backend.register("a-value", DirTask.getClassSchema());
        String url = server.url();

        assertError(get(url + "/subjects/missing/versions"), 404, 40401);
        assertError(get(url + "/subjects/a-value/versions/2"), 404, 40402);
        assertError(get(url + "/subjects/a-value/versions/two"), 422, 42202);
        assertError(get(url + "/schemas/ids/7"), 404, 40403);
        assertError(get(url + "/no/such/path"), 404, 404);
        assertError(send("DELETE", url + "/subjects/a-value/versions", null), 405, 405);
        assertError(send("POST", url + "/subjects/a-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"),
                422, 42201);
        assertError(send("POST", url + "/subjects/a-value/versions", "not json"), 400, 400);
        assertError(send("POST", url + "/subjects/a-value/versions",
                "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}"), 422, 42201);
        assertError(send("POST", url + "/subjects/a-value", schemaBody(ChunkRecord.getClassSchema())), 404, 40403);
        assertError(send("POST", url + "/subjects/b-value", schemaBody(ChunkRecord.getClassSchema())), 404, 40401);
        assertError(send("PUT", url + "/config", "{\"compatibility\":\"SOMETIMES\"}"), 422, 42203);
    }

    @Test
    void theApiAnswersLookupsVersionsAndConfig() throws Exception {
        server = RegistryHttpServer.start(backend, ANY_PORT);
        int first = backend.register("a value/with spaces", DirTask.getClassSchema());
        int second = backend.register("a value/with spaces", ChunkRecord.getClassSchema());
        String base = server.url() + "/subjects/a%20value%2Fwith%20spaces";

        JsonNode found = ok(send("POST", base, schemaBody(ChunkRecord.getClassSchema())));
        assertEquals(second, found.get("id").asInt());
        assertEquals(2, found.get("version").asInt());
        assertEquals("a value/with spaces", found.get("subject").asText());
        assertEquals("[1,2]", ok(get(base + "/versions")).toString());
        assertEquals(first, ok(get(base + "/versions/1")).get("id").asInt());
        assertEquals(second, ok(get(base + "/versions/latest")).get("id").asInt());
        assertEquals(ChunkRecord.getClassSchema(),
                new Schema.Parser().parse(get(base + "/versions/latest/schema").body()));
        assertEquals("[\"a value/with spaces\"]", ok(get(server.url() + "/subjects")).toString());
        assertEquals("BACKWARD", ok(get(server.url() + "/config")).get("compatibilityLevel").asText());
        assertEquals("FULL", ok(send("PUT", base.replace("/subjects/", "/config/"), "{\"compatibility\":\"full\"}"))
                .get("compatibility").asText());
        assertEquals("FULL", ok(get(base.replace("/subjects/", "/config/"))).get("compatibilityLevel").asText());
        assertEquals("BACKWARD", ok(get(server.url() + "/config")).get("compatibilityLevel").asText());
    }

    @Test
    void aPathPrefixInTheUrlIsKept() {
        raw = serve("/apis/ccompat/v7", new RegistryHandler(backend, null));
        String url = "http://127.0.0.1:" + raw.getAddress().getPort() + "/apis/ccompat/v7";
        RestSchemaRegistry client = new RestSchemaRegistry(url, "", TIMEOUT);
        int id = client.register("t-value", DirTask.getClassSchema());
        assertEquals(DirTask.getClassSchema(), new RestSchemaRegistry(url + "/", "", TIMEOUT).schemaById(id));
    }

    @Test
    void serverErrorsAreRetriedThenReportedAsRetryable() {
        AtomicInteger calls = new AtomicInteger();
        RegistryHandler real = new RegistryHandler(backend, null);
        raw = serve("/", ex -> {
            if (calls.incrementAndGet() <= 2) {
                byte[] b = "{\"error_code\":50001,\"message\":\"store unavailable\"}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(503, b.length);
                ex.getResponseBody().write(b);
                ex.close();
            } else {
                real.handle(ex);
            }
        });
        String url = "http://127.0.0.1:" + raw.getAddress().getPort();
        int id = quick(url, 4).register("t-value", DirTask.getClassSchema());
        assertEquals(3, calls.get(), "two 503s, then success");
        assertEquals(SchemaIds.of(DirTask.getClassSchema()), id);

        calls.set(-100);
        RetryableException e = assertThrows(RetryableException.class, () -> quick(url, 3).schemaById(id));
        assertEquals(ErrorCode.REGISTRY_ERROR, e.code());
        assertEquals(-97, calls.get(), "exactly three attempts");
        assertTrue(e.getMessage().contains("3 times") && e.getMessage().contains("store unavailable"), e.getMessage());
    }

    @Test
    void anUnreachableRegistryIsRetryableAndARefusalIsNotRetried() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RetryableException down = assertThrows(RetryableException.class,
                () -> quick("http://127.0.0.1:" + closedPort, 3).schemaById(1));
        assertTrue(down.getMessage().contains("ConnectException"), down.getMessage());

        AtomicInteger calls = new AtomicInteger();
        raw = serve("/", ex -> {
            calls.incrementAndGet();
            byte[] b = "{\"error_code\":409,\"message\":\"incompatible schema\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(409, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        StreamVaultException refused = assertThrows(FatalException.class,
                () -> quick("http://127.0.0.1:" + raw.getAddress().getPort(), 3).register("t", DirTask.getClassSchema()));
        assertEquals(ErrorCode.REGISTRY_ERROR, refused.code());
        assertEquals(1, calls.get());
        assertTrue(refused.getMessage().contains("HTTP 409 (error_code 409: incompatible schema)"),
                refused.getMessage());
    }

    @Test
    void aUrlThatIsNotHttpIsAnInvalidSetting() {
        FatalException e = assertThrows(FatalException.class, () -> new RestSchemaRegistry("localhost:8081", "", TIMEOUT));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
    }

    private static RestSchemaRegistry quick(String url, int attempts) {
        return new RestSchemaRegistry(url, "", TIMEOUT, attempts, Duration.ofMillis(5), Duration.ofMillis(20));
    }

    private static HttpServer serve(String context, com.sun.net.httpserver.HttpHandler h) {
        try {
            HttpServer s = HttpServer.create(ANY_PORT, 0);
            s.createContext(context, h);
            s.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String schemaBody(Schema s) {
        return Json.write(Json.object().put("schema", s.toString()));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return send("GET", url, null);
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/vnd.schemaregistry.v1+json", r.headers().firstValue("Content-Type").orElse(""));
        return Json.parse(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, int code) {
        assertEquals(status, r.statusCode(), r.uri() + ": " + r.body());
        JsonNode body = Json.parse(r.body());
        assertEquals(code, body.get("error_code").asInt(), r.body());
        assertTrue(body.get("message").asText().length() > 3, r.body());
    }
}
