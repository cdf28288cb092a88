package io.streamvault.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.schemas.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST subset over any {@link SchemaRegistry}: register, fetch by
 * id, look up, list subjects and versions, and compatibility settings (accepted and reported, not
 * enforced). Errors are Confluent's {@code {"error_code": N, "message": "..."}}.
 */
public final class RegistryHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int MAX_BODY = 4 << 20;
    private static final Set<String> LEVELS = Set.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
            "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");
    private static final String GLOBAL = "";

    private final SchemaRegistry registry;
    private final byte[] credentials;
    private final Map<String, String> compatibility = new ConcurrentHashMap<>();

    /** @param userInfo {@code USER:PASSWORD} every request must carry, or null/empty for none */
    public RegistryHandler(SchemaRegistry registry, String userInfo) {
        this.registry = registry;
        this.credentials = userInfo == null || userInfo.isEmpty() ? null : userInfo.getBytes(StandardCharsets.UTF_8);
        compatibility.put(GLOBAL, "BACKWARD");
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Answer a;
            try {
                if (!authorized(ex)) {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                    a = error(401, 40101, "Unauthorized: valid basic-auth credentials are required");
                } else {
                    a = route(ex.getRequestMethod(), segments(pathBelowContext(ex)), ex);
                }
            } catch (ApiError e) {
                a = error(e.status, e.code, e.getMessage());
            } catch (StreamVaultException e) {
                a = fromException(e);
            } catch (RuntimeException e) {
                LOG.warn("schema registry request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                a = error(500, 50001, "Error in the backend: " + e);
            }
            byte[] body = a.body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            ex.sendResponseHeaders(a.status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
        }
    }

    private Answer route(String method, List<String> p, HttpExchange ex) throws IOException {
        int n = p.size();
        String first = n > 0 ? p.get(0) : "";
        if (n == 0) {
            return only(method, "GET", () -> ok("{}"));
        }
        if (first.equals("schemas") && n == 3 && p.get(1).equals("ids")) {
            return only(method, "GET", () -> schemaById(p.get(2)));
        }
        if (first.equals("subjects")) {
            if (n == 1) {
                return only(method, "GET", this::subjects);
            }
            String subject = p.get(1);
            if (n == 2) {
                return method.equals("POST") ? lookup(subject, readBody(ex)) : only(method, "POST", null);
            }
            if (n == 3 && p.get(2).equals("versions")) {
                if (method.equals("POST")) {
                    return register(subject, readBody(ex));
                }
                return only(method, "GET", () -> versions(subject));
            }
            if (n == 4 && p.get(2).equals("versions")) {
                return only(method, "GET", () -> version(subject, p.get(3), false));
            }
            if (n == 5 && p.get(2).equals("versions") && p.get(4).equals("schema")) {
                return only(method, "GET", () -> version(subject, p.get(3), true));
            }
        }
        if (first.equals("config") && n <= 2) {
            String subject = n == 2 ? p.get(1) : GLOBAL;
            if (method.equals("PUT")) {
                return putConfig(subject, readBody(ex));
            }
            return only(method, "GET", () -> ok(Json.write(Json.object().put("compatibilityLevel",
                    compatibility.getOrDefault(subject, compatibility.get(GLOBAL))))));
        }
        return error(404, 404, "HTTP 404 Not Found");
    }

    private Answer schemaById(String idText) {
        int id = parseInt(idText, () -> new ApiError(404, 40403, "Schema " + idText + " not found"));
        Schema s;
        try {
            s = registry.schemaById(id);
        } catch (StreamVaultException e) {
            if (e.code() == ErrorCode.MALFORMED_RECORD) {
                throw new ApiError(404, 40403, "Schema " + id + " not found");
            }
            throw e;
        }
        return ok(Json.write(Json.object().put("schema", s.toString())));
    }

    private Answer subjects() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        registry.subjects().forEach(a::add);
        return ok(Json.write(a));
    }

    private Answer versions(String subject) {
        List<Integer> ids = idsOf(subject);
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (int v = 1; v <= ids.size(); v++) {
            a.add(v);
        }
        return ok(Json.write(a));
    }

    private Answer version(String subject, String versionText, boolean schemaOnly) {
        List<Integer> ids = idsOf(subject);
        int v = versionText.equals("latest") ? ids.size()
                : parseInt(versionText, () -> new ApiError(422, 42202, "The specified version '" + versionText
                        + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""));
        if (v == -1) {
            v = ids.size();
        }
        if (v < 1 || v > ids.size()) {
            throw new ApiError(404, 40402, "Version " + versionText + " not found.");
        }
        int id = ids.get(v - 1);
        Schema s = registry.schemaById(id);
        if (schemaOnly) {
            return ok(s.toString());
        }
        return ok(Json.write(entry(subject, v, id, s)));
    }

    private Answer register(String subject, JsonNode body) {
        Schema schema = schemaOf(body);
        int id = registry.register(subject, schema);
        return ok(Json.write(Json.object().put("id", id)));
    }

    private Answer lookup(String subject, JsonNode body) {
        Schema schema = schemaOf(body);
        List<Integer> ids = idsOf(subject);
        String wanted = SchemaIds.canonical(schema);
        for (int i = 0; i < ids.size(); i++) {
            Schema s = registry.schemaById(ids.get(i));
            if (SchemaIds.canonical(s).equals(wanted)) {
                return ok(Json.write(entry(subject, i + 1, ids.get(i), s)));
            }
        }
        throw new ApiError(404, 40403, "Schema not found");
    }

    private Answer putConfig(String subject, JsonNode body) {
        String level = body.path("compatibility").asText("").toUpperCase();
        if (!LEVELS.contains(level)) {
            throw new ApiError(422, 42203, "Invalid compatibility level '" + body.path("compatibility").asText("")
                    + "'. Valid values are " + String.join(", ", LEVELS.stream().sorted().toList()));
        }
        compatibility.put(subject, level);
        return ok(Json.write(Json.object().put("compatibility", level)));
    }

    private List<Integer> idsOf(String subject) {
        List<Integer> ids = registry.subjectIds(subject);
        if (ids.isEmpty()) {
            throw new ApiError(404, 40401, "Subject '" + subject + "' not found.");
        }
        return ids;
    }

    private static ObjectNode entry(String subject, int version, int id, Schema s) {
        return Json.object().put("subject", subject).put("version", version).put("id", id).put("schema", s.toString());
    }

    private static Schema schemaOf(JsonNode body) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !type.asText().equalsIgnoreCase("AVRO")) {
            throw new ApiError(422, 42201, "Invalid schema: only AVRO schemas are supported, not " + type.asText());
        }
        JsonNode refs = body.get("references");
        if (refs != null && refs.isArray() && !refs.isEmpty()) {
            throw new ApiError(422, 42201, "Invalid schema: schema references are not supported");
        }
        JsonNode text = body.get("schema");
        if (text == null || !text.isTextual()) {
            throw new ApiError(400, 400, "The request body has no \"schema\" string");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException | NullPointerException e) {
            throw new ApiError(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private JsonNode readBody(HttpExchange ex) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = ex.getRequestBody()) {
            byte[] chunk = new byte[8192];
            for (int r = in.read(chunk); r >= 0; r = in.read(chunk)) {
                buf.write(chunk, 0, r);
                if (buf.size() > MAX_BODY) {
                    throw new ApiError(413, 413, "The request body is larger than " + MAX_BODY + " bytes");
                }
            }
        }
        JsonNode body = Json.parse(buf.toString(StandardCharsets.UTF_8));
        if (body == null || !body.isObject()) {
            throw new ApiError(400, 400, "The request body is not a JSON object");
        }
        return body;
    }

    private boolean authorized(HttpExchange ex) {
        if (credentials == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            return MessageDigest.isEqual(credentials, Base64.getDecoder().decode(h.substring(6).trim()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Answer fromException(StreamVaultException e) {
        if (e.code() == ErrorCode.CONFLICT) {
            return error(409, 409, e.getMessage());
        }
        if (e.code() == ErrorCode.MALFORMED_RECORD) {
            return error(404, 40403, e.getMessage());
        }
        if (e.code() == ErrorCode.UNSUPPORTED) {
            return error(501, 50101, e.getMessage());
        }
        return error(e.retryable() ? 503 : 500, e.retryable() ? 50003 : 50001, e.getMessage());
    }

    private static Answer only(String method, String allowed, Supplier<Answer> action) {
        if (!method.equals(allowed)) {
            return error(405, 405, "HTTP 405 Method Not Allowed");
        }
        return action.get();
    }

    private static int parseInt(String s, Supplier<ApiError> bad) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad.get();
        }
    }

    private static Answer ok(String body) {
        return new Answer(200, body);
    }

    private static Answer error(int status, int code, String message) {
        return new Answer(status, Json.write(Json.object().put("error_code", code).put("message", message)));
    }

    /** The request path without the context's prefix, so the API can be mounted below any path. */
    private static String pathBelowContext(HttpExchange ex) {
        String path = ex.getRequestURI().getRawPath();
        String context = ex.getHttpContext().getPath();
        return path != null && path.startsWith(context) ? path.substring(context.length()) : path;
    }

    /** Path segments, percent-decoded as UTF-8 ({@code +} stays a plus sign, as in any path). */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath == null ? new String[0] : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(percentDecode(s));
            }
        }
        return out;
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                b.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] u = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                b.write(u, 0, u.length);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private record Answer(int status, String body) {
    }

    private static final class ApiError extends RuntimeException {
        private final int status;
        private final int code;

        ApiError(int status, int code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
