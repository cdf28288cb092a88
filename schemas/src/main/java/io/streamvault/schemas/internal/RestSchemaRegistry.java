package io.streamvault.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.RetryableException;
import io.streamvault.schemas.SchemaRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent Schema Registry REST API (Confluent, Karapace, Redpanda, Apicurio's
 * ccompat API; the URL may carry a path prefix such as {@code /apis/ccompat/v7}). Caches ids by
 * subject and schema, and schemas by id. Connection failures, 5xx, 408 and 429 are retried with
 * capped exponential backoff and jitter, then reported as retryable REGISTRY_ERROR; other 4xx
 * answers are fatal REGISTRY_ERROR carrying the registry's error code and message.
 */
public final class RestSchemaRegistry implements SchemaRegistry {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, "
            + "application/json; qs=0.5";

    private final String base;
    private final String authorization;
    private final Duration timeout;
    private final int attempts;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final HttpClient http;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    /**
     * @param url the registry's base URL; user info in it ({@code http://USER:PASSWORD@host}) is used
     *            when {@code userInfo} is empty
     * @param userInfo {@code USER:PASSWORD} for basic authentication, or empty
     */
    public RestSchemaRegistry(String url, String userInfo, Duration timeout) {
        this(url, userInfo, timeout, 4, Duration.ofMillis(200), Duration.ofSeconds(3));
    }

    RestSchemaRegistry(String url, String userInfo, Duration timeout, int attempts, Duration firstDelay,
            Duration maxDelay) {
        URI uri = parse(url);
        String credentials = userInfo == null || userInfo.isEmpty() ? uri.getUserInfo() : userInfo;
        this.base = stripUserInfo(uri);
        this.authorization = credentials == null || credentials.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.attempts = attempts;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public int register(String subject, Schema schema) {
        String text = schema.toString();
        String key = subject + '\u0000' + text;
        Integer known = ids.get(key);
        if (known != null) {
            return known;
        }
        String path = "/subjects/" + segment(subject) + "/versions";
        HttpResponse<String> r = send("POST", path, Json.write(Json.object().put("schema", text)));
        JsonNode body = expectOk("POST", path, r);
        JsonNode id = body.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw unexpected("POST", path, r);
        }
        ids.put(key, id.intValue());
        schemas.putIfAbsent(id.intValue(), schema);
        return id.intValue();
    }

    @Override
    public Schema schemaById(int id) {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        String path = "/schemas/ids/" + id;
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() == 404 && errorCode(r) == 40403) {
            throw new FatalException(ErrorCode.MALFORMED_RECORD, "no schema with id " + id + " in " + location()
                    + ": " + errorText(r));
        }
        JsonNode body = expectOk("GET", path, r);
        Schema schema = parseSchema(body, "schema " + id);
        schemas.putIfAbsent(id, schema);
        return schemas.get(id);
    }

    @Override
    public List<String> subjects() {
        HttpResponse<String> r = send("GET", "/subjects", null);
        JsonNode body = expectOk("GET", "/subjects", r);
        List<String> out = new ArrayList<>();
        body.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }

    @Override
    public List<Integer> subjectIds(String subject) {
        String path = "/subjects/" + segment(subject) + "/versions";
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() == 404 && errorCode(r) == 40401) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode version : expectOk("GET", path, r)) {
            String vpath = path + "/" + version.asInt();
            HttpResponse<String> v = send("GET", vpath, null);
            JsonNode id = expectOk("GET", vpath, v).get("id");
            if (id == null || !id.canConvertToInt()) {
                throw unexpected("GET", vpath, v);
            }
            out.add(id.intValue());
        }
        return out;
    }

    @Override
    public String location() {
        return "the schema registry at " + base;
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its threads end when it is unreachable.
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", ACCEPT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpRequest request = b.build();
        String last = null;
        Exception cause = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (!isTransient(r.statusCode())) {
                    return r;
                }
                last = "HTTP " + r.statusCode() + " " + errorText(r);
                cause = null;
            } catch (IOException e) {
                last = e.toString();
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FatalException(ErrorCode.CANCELLED, "interrupted while calling " + location(), e);
            }
            if (attempt < attempts) {
                pause(attempt);
            }
        }
        throw new RetryableException(ErrorCode.REGISTRY_ERROR, location() + " failed " + method + " " + path + " "
                + attempts + " times; last: " + last, cause);
    }

    private static boolean isTransient(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private void pause(int attempt) {
        long cap = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << Math.min(attempt - 1, 20));
        long ms = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FatalException(ErrorCode.CANCELLED, "interrupted while waiting to retry " + location(), e);
        }
    }

    private JsonNode expectOk(String method, String path, HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            String hint = r.statusCode() == 401 || r.statusCode() == 403
                    ? " (check schema.registry.basic.auth.user.info)" : "";
            throw new FatalException(ErrorCode.REGISTRY_ERROR, location() + " refused " + method + " " + path
                    + ": HTTP " + r.statusCode() + " " + errorText(r) + hint);
        }
        JsonNode body = Json.parse(r.body());
        if (body == null) {
            throw unexpected(method, path, r);
        }
        return body;
    }

    private FatalException unexpected(String method, String path, HttpResponse<String> r) {
        return new FatalException(ErrorCode.REGISTRY_ERROR, location() + " gave an unexpected answer to " + method
                + " " + path + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
    }

    private Schema parseSchema(JsonNode body, String what) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new FatalException(ErrorCode.MALFORMED_RECORD, what + " in " + location() + " is a "
                    + type.asText() + " schema, not Avro");
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new FatalException(ErrorCode.REGISTRY_ERROR, location() + " answered without a schema for "
                    + what + ": " + abbreviate(Json.write(body)));
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new FatalException(ErrorCode.MALFORMED_RECORD, what + " in " + location()
                    + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    /** Confluent's {"error_code": N, "message": "..."}, as text for messages. */
    private static String errorText(HttpResponse<String> r) {
        JsonNode body = Json.parse(r.body());
        if (body != null && body.has("error_code")) {
            return "(error_code " + body.get("error_code").asText() + ": " + body.path("message").asText() + ")";
        }
        return abbreviate(r.body());
    }

    private static int errorCode(HttpResponse<String> r) {
        JsonNode body = Json.parse(r.body());
        return body == null ? -1 : body.path("error_code").asInt(-1);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url.trim());
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an http:// or https:// URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "schema.registry.url is not a usable URL: "
                    + e.getMessage(), e);
        }
    }

    private static String stripUserInfo(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme().toLowerCase() + "://" + uri.getHost() + port + path;
    }
}
