package io.streamvault.maintenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.Retentions;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.VaultLock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The JSON forms of what forget, garbage collection and statistics report: the {@code --json}
 * output of {@code streamvault forget}, {@code gc} and {@code stats}, and the bodies of the HTTP API
 * (its openapi.json documents them as ForgetPlan, GcResult and Stats). One place, so the two never
 * drift apart.
 */
public final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {
    }

    /**
     * The vault lock ({@code streamvault lock show --json}, {@code GET /lock}): whether there is one, its
     * mode, retentions and cooling-off, and whether the storage service enforces it.
     *
     * @param lock the lock, or null when the vault has none
     */
    public static ObjectNode lock(VaultLock lock, ImmutableStorage.Support support, Instant now) {
        ObjectNode o = JSON.createObjectNode();
        o.put("locked", lock != null);
        if (lock != null) {
            o.put("mode", lock.mode().id());
            o.put("min_retention", Retentions.format(lock.minRetention()));
            o.put("min_retention_s", lock.minRetention().getSeconds());
            o.put("max_retention", lock.maxRetention() == null ? null : Retentions.format(lock.maxRetention()));
            o.put("changeable_until", lock.changeableUntil().toString());
            o.put("changeable", lock.changeableAt(now));
            o.put("set_at", lock.setAt().toString());
            ArrayNode keys = o.putArray("bypass_keys");
            lock.bypassKeys().forEach(keys::add);
        }
        o.put("now", now.toString());
        o.put("service_enforced", support.supported());
        o.put("service_reason", support.reason());
        return o;
    }

    /**
     * A forget: every group with every snapshot, keep or remove and the reasons that keep it; the
     * removed ids; how many are kept; the bytes the removals free once garbage collection runs.
     *
     * @param bytesFreed what {@link Stats#freedBy} predicts for the removed snapshots
     * @param pruned the collection that ran afterwards ({@code forget --prune}), or null
     */
    public static ObjectNode forget(Forget.Plan plan, boolean dryRun, long bytesFreed, GarbageCollector.Result pruned) {
        ObjectNode o = JSON.createObjectNode();
        o.put("dry_run", dryRun);
        ArrayNode groups = o.putArray("groups");
        for (RetentionPlan.Group g : plan.groups()) {
            ObjectNode go = groups.addObject();
            go.put("group", g.label());
            go.put("removes_all", g.removesAll());
            ArrayNode snaps = go.putArray("snapshots");
            for (RetentionPlan.Decision d : g.decisions()) {
                SnapshotRef r = d.snapshot();
                ObjectNode so = snaps.addObject();
                so.put("id", r.id());
                so.put("time", Instant.ofEpochSecond(0, r.snapshot().endTimeNs()).toString());
                so.put("host", r.snapshot().hostname());
                so.put("path", RawPaths.display(r.snapshot().path()));
                so.put("incomplete", r.snapshot().incomplete());
                so.put("action", d.keep() ? "keep" : "remove");
                ArrayNode reasons = so.putArray("reasons");
                d.reasons().forEach(reasons::add);
            }
        }
        ArrayNode removed = o.putArray("removed");
        plan.removedIds().forEach(removed::add);
        o.put("kept", plan.kept());
        o.put("bytes_freed", bytesFreed);
        if (pruned != null) {
            o.set("gc", gc(pruned));
        }
        return o;
    }

    /** What a garbage collection did (or, dry, would do). */
    public static ObjectNode gc(GarbageCollector.Result r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("run", r.run());
        o.put("dry_run", r.dryRun());
        o.put("snapshots", r.snapshots());
        o.put("chunks_forgotten", r.blobsForgotten());
        o.put("chunks_spared", r.blobsSpared());
        o.put("packs_before", r.packsBefore());
        o.put("packs_deleted", r.packsDeleted());
        o.put("packs_repacked", r.packsRepacked());
        o.put("packs_written", r.packsWritten());
        o.put("packs_kept", r.packsKept());
        o.put("unindexed_packs_deleted", r.unindexedPacksDeleted());
        o.put("index_objects_before", r.indexObjectsBefore());
        o.put("index_objects_after", r.indexObjectsAfter());
        o.put("bytes_before", r.bytesBefore());
        o.put("bytes_freed", r.bytesFreed());
        o.put("duration_ms", r.durationMs());
        return o;
    }

    /**
     * The vault's statistics and those of the {@code shown} snapshots.
     *
     * @param shown the snapshots to list, some or all of {@code r.snapshots()}
     */
    /** The lag of each copy, as {@code stats --json} ("copies") and {@code GET /copies} give it. */
    public static ArrayNode copies(List<CopyLag> lags) {
        ArrayNode a = JSON.createArrayNode();
        for (CopyLag l : lags) {
            ObjectNode o = a.addObject();
            o.put("target", l.target());
            o.put("measured", Instant.ofEpochMilli(l.atMs()).toString());
            o.put("objects_behind", l.objects());
            o.put("bytes_behind", l.bytes());
            o.put("snapshots_behind", l.snapshots());
            o.put("seconds_behind", l.seconds());
            o.put("newest_copied", l.newestCopied());
        }
        return a;
    }

    public static ObjectNode stats(Stats.Result r, List<Stats.SnapshotStats> shown) {
        ObjectNode o = JSON.createObjectNode();
        Stats.VaultStats v = r.vault();
        ObjectNode vo = o.putObject("vault");
        vo.put("snapshots", v.snapshots());
        vo.put("stored_bytes", v.storedBytes());
        ObjectNode kinds = vo.putObject("stored_bytes_by_kind");
        v.byKind().forEach((k, b) -> kinds.put(k.name().toLowerCase(Locale.ROOT), b));
        vo.put("logical_bytes", v.logicalBytes());
        vo.put("referenced_stored_bytes", v.referencedStoredBytes());
        vo.put("referenced_raw_bytes", v.referencedRawBytes());
        vo.put("unused_bytes", v.unusedBytes());
        vo.put("dedup_ratio", v.dedupRatio());
        vo.put("compression_ratio", v.compressionRatio());
        ArrayNode snaps = o.putArray("snapshots");
        for (Stats.SnapshotStats s : shown) {
            ObjectNode so = snaps.addObject();
            so.put("id", s.id());
            so.put("files", s.files());
            so.put("logical_bytes", s.logicalBytes());
            so.put("stored_bytes", s.storedBytes());
            so.put("raw_bytes", s.rawBytes());
            so.put("unique_bytes", s.uniqueBytes());
            so.put("added_bytes", s.addedBytes());
        }
        return o;
    }
}
