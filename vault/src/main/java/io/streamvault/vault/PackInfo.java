package io.streamvault.vault;

import java.util.List;

/** A written pack: its id (SHA-256 of its bytes, hex), size and blobs. */
public record PackInfo(String id, long size, List<PackEntry> entries) {
}
