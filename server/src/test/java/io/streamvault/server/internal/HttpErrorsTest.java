package io.streamvault.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HttpErrorsTest {
    static final Set<String> IDS = Arrays.stream(ErrorCode.values()).map(ErrorCode::id).collect(Collectors.toSet());

    static JsonObject openApi() throws IOException {
        try (InputStream in = HttpErrorsTest.class.getResourceAsStream(OpenApiRoutes.RESOURCE)) {
            assertNotNull(in, OpenApiRoutes.RESOURCE);
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyCodeHasAnErrorStatus() {
        for (ErrorCode c : ErrorCode.values()) {
            int s = HttpErrors.status(c);
            assertTrue(s >= 400 && s <= 599, c + " gives " + s);
        }
    }

    @Test
    void theStatusesTheReadmeDocuments() {
        assertEquals(401, HttpErrors.status(ErrorCode.UNAUTHENTICATED), "missing or unknown token");
        assertEquals(403, HttpErrors.status(ErrorCode.FORBIDDEN), "wrong role, target outside --restore-root");
        assertEquals(416, HttpErrors.status(ErrorCode.RANGE_NOT_SATISFIABLE));
        assertEquals(404, HttpErrors.status(ErrorCode.SNAPSHOT_NOT_FOUND));
        assertEquals(400, HttpErrors.status(ErrorCode.INVALID_ARGUMENT));
        assertEquals(500, HttpErrors.status(ErrorCode.INTERNAL));
    }

    /** The Error schema states the status of every code: "a, b 400; c 401; ...; anything else (x, ...) 500." */
    @Test
    void theOpenApiDocumentStatesTheStatusOfEveryCode() throws IOException {
        String text = openApi().getJsonObject("components").getJsonObject("schemas").getJsonObject("Error")
                .getJsonObject("properties").getJsonObject("code").getString("description");
        Matcher table = Pattern.compile("HTTP status by code: (.*)\\.$").matcher(text);
        assertTrue(table.find(), text);
        Map<String, Integer> stated = new HashMap<>();
        Integer otherwise = null;
        for (String part : table.group(1).split(";\\s*")) {
            int space = part.lastIndexOf(' ');
            int status = Integer.parseInt(part.substring(space + 1));
            String codes = part.substring(0, space);
            if (codes.startsWith("anything else")) {
                otherwise = status;
                codes = codes.substring(codes.indexOf('(') + 1, codes.indexOf(')'));
            }
            for (String id : codes.split(",\\s*")) {
                if (!id.equals("...")) {
                    assertTrue(IDS.contains(id), "openapi.json names " + id + ", not a code of ErrorCode");
                    assertNull(stated.put(id, status), id + " is stated twice");
                }
            }
        }
        assertNotNull(otherwise, "the table ends with \"anything else\"");
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(stated.getOrDefault(c.id(), otherwise).intValue(), HttpErrors.status(c),
                    "openapi.json's status of " + c.id());
        }
    }

    /** Each shared error response of the document names codes (`x`) that give its status. */
    @Test
    void theOpenApiErrorResponsesNameCodesOfTheirStatus() throws IOException {
        JsonObject responses = openApi().getJsonObject("components").getJsonObject("responses");
        Map<String, Integer> statuses = Map.of("BadRequest", 400, "Unauthenticated", 401, "Forbidden", 403,
                "NotFound", 404, "Conflict", 409, "Unsupported", 501, "Unavailable", 503);
        assertEquals(statuses.keySet(), responses.fieldNames());
        for (var e : statuses.entrySet()) {
            Matcher m = Pattern.compile("`([a-z_]+)`").matcher(responses.getJsonObject(e.getKey()).getString("description"));
            boolean any = false;
            while (m.find()) {
                any = true;
                ErrorCode c = Arrays.stream(ErrorCode.values()).filter(x -> x.id().equals(m.group(1))).findFirst()
                        .orElseThrow(() -> new AssertionError(e.getKey() + " names " + m.group(1) + ", not a code"));
                assertEquals(e.getValue().intValue(), HttpErrors.status(c), e.getKey() + " names " + c.id());
            }
            assertTrue(any, e.getKey() + " names its codes");
        }
    }

    @Test
    void statusesTheRouterSetsItselfBecomeCodesOfTheSameStatus() {
        for (int s : new int[] {400, 401, 403, 404, 405, 500}) {
            assertEquals(s, HttpErrors.status(HttpErrors.codeOfStatus(s)), Integer.toString(s));
        }
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, HttpErrors.codeOfStatus(413), "a body over the limit");
        assertEquals(ErrorCode.INVALID_ARGUMENT, HttpErrors.codeOfStatus(415));
        assertEquals(ErrorCode.INTERNAL, HttpErrors.codeOfStatus(502));
    }

    @Test
    void failuresKeepTheirCodeAndBadInputIsInvalid() {
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(c, HttpErrors.code(new FatalException(c, "x")));
        }
        assertEquals(ErrorCode.INVALID_ARGUMENT, HttpErrors.code(new DecodeException("not json")));
        assertEquals(ErrorCode.INVALID_ARGUMENT, HttpErrors.code(new IllegalArgumentException("bad")));
        assertEquals(ErrorCode.INTERNAL, HttpErrors.code(new IllegalStateException("bug")));
        assertEquals(ErrorCode.INTERNAL, HttpErrors.code(new NullPointerException()));
    }
}
