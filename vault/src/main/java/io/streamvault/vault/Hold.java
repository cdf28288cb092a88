package io.streamvault.vault;

import java.time.Instant;

/**
 * A legal hold on a snapshot: it is kept, whatever its dates, until the hold is released.
 *
 * @param id the hold's id (16 hex digits), to release it
 * @param key id of the key object that placed it
 */
public record Hold(String id, String reason, Instant placedAt, String key) {
}
