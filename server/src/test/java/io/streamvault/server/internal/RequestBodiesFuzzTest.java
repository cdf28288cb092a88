package io.streamvault.server.internal;

import static io.streamvault.common.HostileInput.PER_BYTE;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamvault.common.HostileInput;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the request bodies of the HTTP API (docs/reliability.md, Hostile and damaged
 * input): any body gives a request or an error the server answers with a 4xx status and a message
 * (never 500 and an exception in the log), within {@link HostileInput}'s time and heap budget. Seeds:
 * {@code src/test/resources/.../RequestBodiesFuzzTestInputs/<target>/}; {@code bench/fuzz.sh} fuzzes.
 */
@Timeout(HostileInput.TIMEOUT_SECONDS)
class RequestBodiesFuzzTest {

    /** {@code POST /restores}. */
    @FuzzTest
    void restoreRequest(byte[] in) {
        body(in, false, RestoreRequest::parse);
    }

    /** {@code POST /forget}. */
    @FuzzTest
    void forgetRequest(byte[] in) {
        body(in, false, ForgetRequest::parse);
    }

    /** {@code POST /plans} and {@code PATCH /plans/{name}}, down to the plan they make. */
    @FuzzTest
    void planRequest(byte[] in) {
        body(in, false, o -> {
            try {
                PlanRequest.edit(o, false);
            } catch (RuntimeException e) {
                if (!answeredAs4xx(e)) {
                    throw e;
                }
            }
            PlanRequest.edit(o, true).create(PlanRequest.name(o), 0);
        });
    }

    /** {@code POST /gc} (an empty body allowed). */
    @FuzzTest
    void gcRequest(byte[] in) {
        body(in, true, GcRoutes::options);
    }

    private static void body(byte[] in, boolean emptyAllowed, Consumer<JsonObject> parse) {
        HostileInput.check(in, PER_BYTE, RequestBodiesFuzzTest::answeredAs4xx,
                () -> parse.accept(JsonBody.object(Buffer.buffer(in), emptyAllowed)));
    }

    /** What the server's one error mapping makes of a failure: a 4xx answer, the client's fault. */
    private static boolean answeredAs4xx(Throwable t) {
        int status = HttpErrors.status(HttpErrors.code(t));
        return status >= 400 && status < 500;
    }
}
