package io.streamvault.maintenance.internal;

import io.streamvault.common.util.Sizes;
import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultListing;
import io.streamvault.vault.VaultObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks the packs against the index without reading their data: every indexed pack exists, has the
 * size its indexed blobs make, and its own header lists the same blobs. A pack in no index is a
 * warning, a name under data/ that is not a pack's is ignored with a warning.
 */
final class PackCheck {
    private final Vault vault;
    private final ReadPool pool;
    private final Problems problems;
    private final CheckProgress progress;
    /** What {@link #compare} found when a header and the index agree. */
    private static final String AGREE = "";
    /** Pack id to the key of its problem: missing, wrong size or bad header. */
    private final Map<String, String> broken = new TreeMap<>();

    PackCheck(Vault vault, ReadPool pool, Problems problems, CheckProgress progress) {
        this.vault = vault;
        this.pool = pool;
        this.problems = problems;
        this.progress = progress;
    }

    /** The packs broken as a whole (every blob in them is lost), each with the key of its problem. */
    Map<String, String> run(LoadedIndex index) {
        VaultListing listing = vault.list(ObjectKind.PACK);
        for (String name : listing.foreign()) {
            problems.add("object:" + name, Severity.WARNING, "object", name,
                    "object " + name + " under data/ is not a pack name; it is ignored");
        }
        Map<String, Long> sizes = new HashMap<>();
        for (VaultObject o : listing.objects()) {
            sizes.put(o.id(), o.size());
        }
        List<String> whole = checkSizes(index, sizes);
        checkHeaders(index, whole);
        for (VaultObject o : listing.objects()) { // sorted by id
            if (!index.records(o.id())) {
                problems.add("unindexed:" + o.id(), Severity.WARNING, "pack", o.name(), "pack " + o.id() + " ("
                        + Sizes.bytes(o.size()) + ") is in no index: unreferenced (an interrupted upload, or"
                        + " its index object is damaged); no snapshot can use it until an index records it");
            }
        }
        return Collections.unmodifiableMap(broken);
    }

    /** Reports the indexed packs that are missing or of the wrong size; returns the others, sorted. */
    private List<String> checkSizes(LoadedIndex index, Map<String, Long> sizes) {
        List<String> whole = new ArrayList<>();
        for (String pack : index.packs()) {
            int blobs = index.blobs(pack);
            Long size = sizes.get(pack);
            if (size == null) {
                broken(pack, "pack " + pack + " (" + name(pack) + ") is missing: the " + blobs
                        + " blobs the index records in it are lost");
                continue;
            }
            long expected = Vault.packSize(blobs, index.storedBytes(pack));
            if (size != expected) {
                broken(pack, "pack " + pack + " (" + name(pack) + ") has " + size + " bytes, but its "
                        + blobs + " indexed blobs make " + expected + " (truncated, extended or replaced)");
                continue;
            }
            whole.add(pack);
        }
        return whole;
    }

    /**
     * Reads the headers of {@code whole} and reports those that cannot be read or disagree with the index.
     * Each header is compared as it is read, so only the packs being read are held (a pack of small files
     * lists hundreds of thousands of blobs).
     */
    private void checkHeaders(LoadedIndex index, List<String> whole) {
        AtomicLong done = new AtomicLong();
        List<Outcome<String>> diffs = pool.map(whole, pack -> {
            try {
                return Outcome.of(() -> {
                    String diff = compare(vault.readPackHeader(pack), index.entries(pack));
                    return diff == null ? AGREE : diff;
                });
            } finally {
                progress.update("pack headers", done.incrementAndGet(), whole.size());
            }
        });
        for (int i = 0; i < whole.size(); i++) {
            String pack = whole.get(i);
            Outcome<String> header = diffs.get(i);
            if (!header.ok()) {
                broken(pack, "pack " + pack + " (" + name(pack) + ") has an unreadable header: "
                        + header.damage().getMessage());
                continue;
            }
            String diff = header.value();
            if (!AGREE.equals(diff)) {
                broken(pack, "pack " + pack + " (" + name(pack) + "): its header and the index disagree: " + diff);
            }
        }
    }

    /** How a pack's header and its index entries (both by offset) first differ, or null when they agree. */
    private static String compare(List<PackEntry> header, List<BlobLocation> indexed) {
        if (header.size() != indexed.size()) {
            return "the header lists " + header.size() + " blobs, the index " + indexed.size();
        }
        for (int i = 0; i < header.size(); i++) {
            PackEntry h = header.get(i);
            BlobLocation l = indexed.get(i);
            if (!h.id().equals(l.id()) || h.type() != l.type() || h.offset() != l.offset() || h.length() != l.length()
                    || h.rawLength() != l.rawLength()) {
                return "blob " + i + " is " + h.type() + " " + h.id().shortHex() + " at " + h.offset() + "+" + h.length()
                        + " in the header, " + l.type() + " " + l.id().shortHex() + " at " + l.offset() + "+" + l.length()
                        + " in the index";
            }
        }
        return null;
    }

    private void broken(String pack, String message) {
        String key = problems.add("pack:" + pack, Severity.ERROR, "pack", name(pack), message);
        broken.putIfAbsent(pack, key);
    }

    private static String name(String pack) {
        return ObjectKind.PACK.objectName(pack);
    }
}
