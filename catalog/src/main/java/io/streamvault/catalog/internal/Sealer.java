package io.streamvault.catalog.internal;

import io.streamvault.common.util.Hex;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.LockMode;
import io.streamvault.vault.Retentions;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Vault;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals a job into a snapshot, in the write order the vault's invariants need: tree blobs into
 * packs, the packs' index, and only then the snapshot object. Everything written is determined by
 * the job's records, so sealing again after a crash writes the same snapshot object (same id).
 */
public final class Sealer {
    private static final Logger LOG = LoggerFactory.getLogger(Sealer.class);
    private final Vault vault;
    private final TreeIndex trees;
    private final long packTarget;
    private final Consumer<String> sealed;

    /** @param sealed told the id of every snapshot this sealer writes (after it is written; must not throw or block) */
    public Sealer(Vault vault, TreeIndex trees, long packTarget, Consumer<String> sealed) {
        this.vault = vault;
        this.trees = trees;
        this.packTarget = packTarget;
        this.sealed = sealed;
    }

    /**
     * Reads the vault's index objects again from scratch, forgetting trees whose index objects are
     * gone: garbage collection has just deleted them, and a later seal must not reuse them.
     */
    public void reloadTrees() {
        trees.reload();
    }

    /** Result of a seal: the snapshot id and the bytes of tree packs written. */
    public record Sealed(String snapshotId, long treeBytes, long filesChanged) {
    }

    /**
     * @param entries feeds every entry of the job, in reverse key order, to the consumer it is given
     * @param endTimeNs the seal time recorded in the snapshot (from the completing record, so a retry is identical)
     * @param strict reuse no tree the vault holds (a garbage collection is running; see {@link TreeWriter})
     */
    public Sealed seal(CatalogJob job, Consumer<BiConsumer<EntryKey, NodeRecord>> entries, long endTimeNs, boolean strict) {
        trees.refresh();
        Set<BlobId> failed = new HashSet<>();
        for (ByteBuffer b : job.getFailedChunks()) {
            failed.add(BlobId.of(Buffers.of(b)));
        }
        TreeAssembler assembler;
        BlobId top;
        long treeBytes;
        try (TreeWriter writer = new TreeWriter(vault, trees, packTarget, strict)) {
            assembler = new TreeAssembler(writer, failed, trees::read);
            entries.accept(assembler::accept);
            top = assembler.finish(job.getRoot());
            treeBytes = writer.finish();
        }
        JobStarted started = job.getStarted();
        JobProgress p = job.getProgress();
        boolean incomplete = p.getFilesSkipped() > 0 || job.getWarningsTotal() > 0 || assembler.filesChanged() > 0;
        Snapshot snapshot = new Snapshot(1, started.getTimeNs(), endTimeNs, top, Buffers.of(started.getRoot()),
                started.getHost(), started.getUser(), List.copyOf(started.getTags()), started.getParentSnapshot(),
                job.getJob(), incomplete, List.copyOf(job.getWarnings()), job.getWarningsTotal(), summary(p, assembler));
        if (started.getRetainS() > 0) {
            // the vault raises it to the vault lock's minimum, and makes it compliance under a compliance lock
            long retainS = Math.min(started.getRetainS(), Retentions.MAX.getSeconds());
            snapshot = snapshot.retained(Math.addExact(endTimeNs, Math.multiplyExact(retainS, 1_000_000_000L)),
                    LockMode.GOVERNANCE);
        }
        String id = vault.writeSnapshot(snapshot);
        try {
            sealed.accept(id);
        } catch (RuntimeException e) {
            LOG.warn("snapshot {} sealed; telling its listener failed: {}", id, e.getMessage());
        }
        return new Sealed(id, treeBytes, assembler.filesChanged());
    }

    private static Map<String, Long> summary(JobProgress p, TreeAssembler a) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("files_new", p.getFilesNew());
        m.put("files_changed", p.getFilesChanged());
        m.put("files_unmodified", p.getFilesUnmodified());
        m.put("files_skipped", p.getFilesSkipped());
        m.put("files_changed_during_backup", a.filesChanged());
        m.put("dirs", p.getDirsTotal());
        m.put("total_bytes", p.getBytesTotal());
        m.put("bytes_read", p.getBytesRead());
        m.put("data_added", p.getBytesAdded());
        m.put("chunks_new", p.getChunksNew());
        return m;
    }

    static String hex(ByteBuffer b) {
        return Hex.of(Buffers.of(b));
    }
}
