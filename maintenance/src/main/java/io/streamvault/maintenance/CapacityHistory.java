package io.streamvault.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's capacity history (docs/capacity.md): each record is a {@link Capacity} measured after a
 * backup, a garbage collection or a forget, with when and why, kept in the vault as capacity documents
 * (JSON {@code {"version":1,"records":[...]}}, sealed as every document is), so the history outlives
 * the cluster. A document written after an event holds one record; garbage collection merges each
 * month's documents into one ({@link #compact}). Records have random ids: a record found in two
 * documents (a merge that crashed before its deletions) is read once.
 */
public final class CapacityHistory {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityHistory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;
    /** Threads that read trees for a record (fewer than a command's, as a backup or a collection may run beside it). */
    static final int THREADS = 4;

    /** Why a record was taken. */
    public enum Trigger {
        BACKUP, GC, FORGET;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Trigger of(String id) {
            for (Trigger t : values()) {
                if (t.id().equals(id)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown trigger " + id);
        }
    }

    /**
     * One record.
     *
     * @param snapshots the snapshots whose sealing (backup) or removal (forget) it follows; empty for gc
     * @param run the collection it follows (gc), or null
     */
    public record Entry(String id, Instant time, Trigger trigger, List<String> snapshots, String run, Capacity capacity) {
        public Entry {
            snapshots = List.copyOf(snapshots);
        }
    }

    private CapacityHistory() {
    }

    /** Measures the vault and writes the record; throws what measuring or writing throws. */
    public static Entry record(Vault vault, Trigger trigger, List<String> snapshots, String run) {
        Capacity c = Capacity.measure(vault, THREADS);
        Entry e = new Entry(UUID.randomUUID().toString(), Instant.now().truncatedTo(ChronoUnit.MILLIS), trigger, snapshots,
                run, c);
        vault.writeDocument(ObjectKind.CAPACITY, encode(List.of(e)));
        return e;
    }

    /**
     * {@link #record}, for the paths a record must never fail (a backup, a forget, a collection): a
     * failure is logged as a warning and returns null. So is running out of memory: measuring walks
     * every snapshot, which a vault of millions of files may not fit beside what the command holds
     * (a forget of a 5,000,000-file vault in the default heap did); what it took is free once it unwinds.
     */
    public static Entry recordQuietly(Vault vault, Trigger trigger, List<String> snapshots, String run) {
        try {
            return record(vault, trigger, snapshots, run);
        } catch (RuntimeException e) {
            LOG.warn("the vault's capacity was not recorded after this {}: {}", trigger.id(), e.getMessage());
            return null;
        } catch (OutOfMemoryError e) {
            LOG.warn("the vault's capacity was not recorded after this {}: out of memory measuring it ({}); give the"
                    + " command a larger heap (STREAMVAULT_JAVA_OPTS=-Xmx...) for a record", trigger.id(), e.getMessage());
            return null;
        }
    }

    /**
     * Every record taken at or after {@code since} (null: all), oldest first. A document that cannot be
     * read or decoded is handed to {@code onError} (CORRUPT_OBJECT naming it) and left out.
     */
    public static List<Entry> read(Vault vault, Instant since, Consumer<StreamVaultException> onError) {
        Map<String, Entry> byId = new LinkedHashMap<>();
        for (Document d : documents(vault, onError)) {
            for (Entry e : d.entries()) {
                if (since == null || !e.time().isBefore(since)) {
                    byId.putIfAbsent(e.id(), e);
                }
            }
        }
        List<Entry> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(Entry::time).thenComparing(Entry::id));
        return out;
    }

    /**
     * Merges each month's (UTC) documents into one: writes the merged document, then deletes the ones
     * it holds (through {@link Vault#delete}). Returns how many documents were deleted. Records written
     * meanwhile are in documents this call did not read, so they are never deleted.
     */
    public static int compact(Vault vault) {
        Map<YearMonth, List<Document>> byMonth = new TreeMap<>();
        for (Document d : documents(vault, e -> LOG.warn("capacity history: {}", e.getMessage()))) {
            if (!d.entries().isEmpty()) {
                YearMonth m = YearMonth.from(d.entries().get(0).time().atZone(ZoneOffset.UTC));
                byMonth.computeIfAbsent(m, k -> new ArrayList<>()).add(d);
            }
        }
        int deleted = 0;
        for (List<Document> docs : byMonth.values()) {
            if (docs.size() < 2) {
                continue;
            }
            Map<String, Entry> byId = new LinkedHashMap<>();
            docs.forEach(d -> d.entries().forEach(e -> byId.putIfAbsent(e.id(), e)));
            List<Entry> all = new ArrayList<>(byId.values());
            all.sort(Comparator.comparing(Entry::time).thenComparing(Entry::id));
            String merged = vault.writeDocument(ObjectKind.CAPACITY, encode(all));
            for (Document d : docs) {
                if (!d.id().equals(merged)) {
                    vault.delete(ObjectKind.CAPACITY, d.id());
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** {@link #compact}, logging a failure as a warning (the documents stay as they were, or merged twice: read once). */
    public static void compactQuietly(Vault vault) {
        try {
            compact(vault);
        } catch (RuntimeException e) {
            LOG.warn("the capacity history was not merged: {}", e.getMessage());
        }
    }

    private record Document(String id, List<Entry> entries) {
    }

    private static List<Document> documents(Vault vault, Consumer<StreamVaultException> onError) {
        List<Document> out = new ArrayList<>();
        for (Vault.Document d : vault.readDocuments(ObjectKind.CAPACITY, onError)) {
            try {
                out.add(new Document(d.id(), decode(d.plaintext())));
            } catch (FatalException e) {
                onError.accept(new FatalException(ErrorCode.CORRUPT_OBJECT, "capacity document "
                        + ObjectKind.CAPACITY.objectName(d.id()) + " in " + vault.location() + ": " + e.getMessage(), e));
            }
        }
        return out;
    }

    static byte[] encode(List<Entry> entries) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("version", VERSION);
        ArrayNode records = doc.putArray("records");
        for (Entry e : entries) {
            Capacity c = e.capacity();
            ObjectNode r = records.addObject();
            r.put("id", e.id());
            r.put("time", e.time().toString());
            r.put("trigger", e.trigger().id());
            ArrayNode snaps = r.putArray("snapshots");
            e.snapshots().forEach(snaps::add);
            r.put("run", e.run());
            r.put("snapshot_count", c.snapshots());
            r.put("stored_bytes", c.storedBytes());
            ObjectNode kinds = r.putObject("stored_bytes_by_kind");
            c.byKind().forEach((k, b) -> kinds.put(k.name().toLowerCase(Locale.ROOT), b));
            r.put("logical_bytes", c.logicalBytes());
            r.put("referenced_stored_bytes", c.referencedStoredBytes());
            r.put("referenced_raw_bytes", c.referencedRawBytes());
            r.put("unused_bytes", c.unusedBytes());
            ArrayNode shares = r.putArray("shares");
            for (Capacity.Share s : c.shares()) {
                ObjectNode so = shares.addObject();
                so.put("name", s.name());
                so.put("kind", s.kind().id());
                so.put("stored_bytes", s.storedBytes());
                so.put("unique_bytes", s.uniqueBytes());
                so.put("shared_bytes", s.sharedBytes());
            }
        }
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.INTERNAL, "cannot encode a capacity record: " + e.getMessage(), e);
        }
    }

    static List<Entry> decode(byte[] plaintext) {
        try {
            JsonNode doc = JSON.readTree(plaintext);
            if (doc == null || !doc.isObject()) {
                throw bad("not a JSON object");
            }
            if (number(doc, "version") != VERSION) {
                throw new FatalException(ErrorCode.UNSUPPORTED, "capacity document version " + doc.get("version")
                        + " (this version reads " + VERSION + ")");
            }
            List<Entry> out = new ArrayList<>();
            for (JsonNode r : array(doc, "records")) {
                List<String> snaps = new ArrayList<>();
                array(r, "snapshots").forEach(s -> snaps.add(s.asText()));
                Map<ObjectKind, Long> kinds = new EnumMap<>(ObjectKind.class);
                JsonNode k = r.get("stored_bytes_by_kind");
                for (ObjectKind kind : ObjectKind.values()) {
                    JsonNode b = k == null ? null : k.get(kind.name().toLowerCase(Locale.ROOT));
                    if (b != null) {
                        kinds.put(kind, b.asLong());
                    }
                }
                List<Capacity.Share> shares = new ArrayList<>();
                for (JsonNode s : array(r, "shares")) {
                    shares.add(new Capacity.Share(text(s, "name"), Capacity.Kind.valueOf(text(s, "kind").toUpperCase(
                            Locale.ROOT)), number(s, "stored_bytes"), number(s, "unique_bytes"), number(s, "shared_bytes")));
                }
                Capacity c = new Capacity((int) number(r, "snapshot_count"), number(r, "stored_bytes"), kinds,
                        number(r, "logical_bytes"), number(r, "referenced_stored_bytes"),
                        number(r, "referenced_raw_bytes"), number(r, "unused_bytes"), shares);
                JsonNode run = r.get("run");
                out.add(new Entry(text(r, "id"), Instant.parse(text(r, "time")), Trigger.of(text(r, "trigger")), snaps,
                        run == null || run.isNull() ? null : run.asText(), c));
            }
            return out;
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private static FatalException bad(String why) {
        return new FatalException(ErrorCode.CORRUPT_OBJECT, "not a capacity record: " + why);
    }

    private static JsonNode array(JsonNode o, String field) {
        JsonNode a = o.get(field);
        if (a == null || !a.isArray()) {
            throw bad("no array " + field);
        }
        return a;
    }

    private static String text(JsonNode o, String field) {
        JsonNode t = o.get(field);
        if (t == null || !t.isTextual()) {
            throw bad("no text " + field);
        }
        return t.asText();
    }

    private static long number(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber()) {
            throw bad("no integer " + field);
        }
        return n.asLong();
    }

    /**
     * The start of a {@code --since} or {@code ?since=}: an RFC 3339 time ({@code 2025-06-01T00:00:00Z}),
     * a UTC date ({@code 2025-06-01}), or a duration before {@code now} as {@code forget --keep-within}
     * takes it ({@code 30d}, {@code 12h}, {@code 1y6m}). INVALID_ARGUMENT naming {@code what} otherwise.
     */
    public static Instant since(String what, String text, Instant now) {
        try {
            if (text.length() == 10 && text.charAt(4) == '-') {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (text.contains("T")) {
                return OffsetDateTime.parse(text).toInstant();
            }
        } catch (DateTimeParseException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, what + " \"" + text + "\" is not an RFC 3339 time"
                    + " (2025-06-01T00:00:00Z), a date (2025-06-01) or a duration (30d, 12h)");
        }
        try {
            return KeepDuration.parse(what, text).before(now, ZoneOffset.UTC);
        } catch (FatalException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, what + " \"" + text + "\" is not an RFC 3339 time"
                    + " (2025-06-01T00:00:00Z), a date (2025-06-01) or a duration (30d, 12h)", e);
        }
    }

    /** The names of the shares in these records: the plans by name, then the other buckets (for tables and CSV). */
    public static List<String> shareNames(List<Entry> entries) {
        Set<String> plans = new TreeSet<>();
        for (Entry e : entries) {
            for (Capacity.Share s : e.capacity().shares()) {
                if (s.kind() == Capacity.Kind.PLAN) {
                    plans.add(s.name());
                }
            }
        }
        List<String> out = new ArrayList<>(plans);
        out.addAll(List.of(Capacity.NO_PLAN, Capacity.UNUSED, Capacity.METADATA));
        return out;
    }
}
