package io.streamvault.schemas;

import io.streamvault.common.kafka.TopicSpec;
import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.CopyStatus;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.GcControl;
import io.streamvault.schemas.records.GcReply;
import io.streamvault.schemas.records.GcRequest;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.PlanRun;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.schemas.records.VaultEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;

/**
 * Every pipeline topic, declared once with its key and value serdes and its creation settings.
 * Names are {@code PREFIX.VAULT.NAME} (see {@link #namespace}), so several vaults share a cluster.
 * See docs/pipeline.md for who produces and consumes each.
 */
public final class Topics {
    private static final long DAY_MS = 24L * 3600 * 1000;

    public final String namespace;
    /** Key: job. Backup jobs and their options. */
    public final TopicSpec<String, JobStarted> jobs;
    /** Key: job + directory path. Directories to list, shared by the scanner group. */
    public final TopicSpec<byte[], DirTask> dirTasks;
    /** Key: job. Directories listed, with their child counts. */
    public final TopicSpec<String, DirScanned> dirScans;
    /** Key: job + file path. Files (or segments) to read, shared by the chunker group. */
    public final TopicSpec<byte[], FileEvent> fileEvents;
    /** Key: job. Entries of the snapshot with their chunk lists. */
    public final TopicSpec<String, FileManifest> fileManifests;
    /** Key: chunk id. Every chunk a chunker saw; input of the dedup topology. */
    public final TopicSpec<byte[], ChunkRecord> chunks;
    /** Key: chunk id. Chunks the vault does not have; shared by the uploader group. */
    public final TopicSpec<byte[], UploadRequest> uploadRequests;
    /** Key: chunk id. Chunks now durable in the vault, or unreadable; null value forgets an id. */
    public final TopicSpec<byte[], ChunkStored> chunkStored;
    /** Key: job. Chunk references of a job that are resolved. */
    public final TopicSpec<String, ChunkAck> chunkAcks;
    /** Key: job. Progress and end of each job. */
    public final TopicSpec<String, JobStatus> jobStatus;
    /** Key: as the original record. Records no role could read, kept with the reason. */
    public final TopicSpec<byte[], DeadLetter> deadLetters;
    /** Key: run (sent to explicit partitions, co-partitioned with chunks). Garbage collection to dedup. */
    public final TopicSpec<byte[], GcRequest> gcRequests;
    /** Key: job or run (co-partitioned with jobs). Garbage collection to the catalog. */
    public final TopicSpec<String, GcControl> gcControl;
    /** Key: run. Answers of dedup and catalog tasks to garbage collection. */
    public final TopicSpec<String, GcReply> gcReplies;
    /**
     * Key: plan run or request (sent to the plan's partition, {@link #planPartition}). Runs of backup
     * plans; the scheduler group owns plans by these partitions. Compacted, kept for good.
     */
    public final TopicSpec<String, PlanRun> planRuns;
    /** Key: object name. Every object of the vault written or deleted, for copies (docs/copies.md). */
    public final TopicSpec<String, VaultEvent> vaultEvents;
    /** Key: a copy's target location. How far each copy is behind (docs/copies.md, Lag). */
    public final TopicSpec<String, CopyStatus> copyStatus;

    public Topics(String prefix, String vaultId, int partitions, short replication, SchemaRegistry registry) {
        this.namespace = prefix + "." + vaultId.substring(0, Math.min(12, vaultId.length())) + ".";
        Map<String, String> work = Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(7 * DAY_MS));
        Map<String, String> history = Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(30 * DAY_MS));
        Map<String, String> latest = Map.of("cleanup.policy", "compact,delete", "retention.ms",
                String.valueOf(30 * DAY_MS));
        jobs = spec("jobs", partitions, replication, history, Serdes.String(), registry, JobStarted.class);
        dirTasks = spec("dir-tasks", partitions, replication, work, Serdes.ByteArray(), registry, DirTask.class);
        dirScans = spec("dir-scans", partitions, replication, work, Serdes.String(), registry, DirScanned.class);
        fileEvents = spec("file-events", partitions, replication, work, Serdes.ByteArray(), registry, FileEvent.class);
        fileManifests = spec("file-manifests", partitions, replication, work, Serdes.String(), registry,
                FileManifest.class);
        chunks = spec("chunks", partitions, replication, work, Serdes.ByteArray(), registry, ChunkRecord.class);
        uploadRequests = spec("upload-requests", partitions, replication, work, Serdes.ByteArray(), registry,
                UploadRequest.class);
        chunkStored = spec("chunk-stored", partitions, replication, work, Serdes.ByteArray(), registry,
                ChunkStored.class);
        chunkAcks = spec("chunk-acks", partitions, replication, work, Serdes.String(), registry, ChunkAck.class);
        jobStatus = spec("job-status", partitions, replication, latest, Serdes.String(), registry, JobStatus.class);
        deadLetters = spec("dead-letters", 1, replication, history, Serdes.ByteArray(), registry, DeadLetter.class);
        gcRequests = spec("gc-requests", partitions, replication, work, Serdes.ByteArray(), registry, GcRequest.class);
        gcControl = spec("gc-control", partitions, replication, work, Serdes.String(), registry, GcControl.class);
        gcReplies = spec("gc-replies", 1, replication, work, Serdes.String(), registry, GcReply.class);
        Map<String, String> kept = Map.of("cleanup.policy", "compact", "retention.ms", "-1");
        planRuns = spec("plan-runs", partitions, replication, kept, Serdes.String(), registry, PlanRun.class);
        vaultEvents = spec("vault-events", partitions, replication, work, Serdes.String(), registry, VaultEvent.class);
        copyStatus = spec("copy-status", 1, replication, latest, Serdes.String(), registry, CopyStatus.class);
    }

    /** Every topic, in pipeline order. */
    public List<TopicSpec<?, ?>> all() {
        return List.of(jobs, dirTasks, dirScans, fileEvents, fileManifests, chunks, uploadRequests, chunkStored,
                chunkAcks, jobStatus, deadLetters, gcRequests, gcControl, gcReplies, planRuns, vaultEvents, copyStatus);
    }

    /** Application id / group id for a role: {@code PREFIX.VAULT.ROLE}. */
    public String groupId(String role) {
        return namespace + role;
    }

    /**
     * The transactional id every maintenance writer of the vault shares (garbage collectors, the dedup
     * seeder): starting one fences the one before, so they never run at once (docs/gc.md).
     */
    public String maintenanceTransactionalId() {
        return namespace + "maintenance";
    }

    /**
     * The partition of {@link #planRuns} that carries a plan's runs (one owner per plan), for the
     * topic's real number of partitions (ask the cluster: not the configured one, which may differ
     * from the topic's if it was created with another setting).
     */
    public static int planPartition(String plan, int partitions) {
        return keyPartition(plan.getBytes(StandardCharsets.UTF_8), partitions);
    }

    /**
     * The partition of {@link #chunks}, {@link #chunkStored} and {@link #gcRequests} that owns a chunk
     * id: the default partitioner's for the id as key, so that every record about an id, batched or
     * not ({@link ChunkBatches}), reaches the one dedup task that owns its state.
     */
    public static int chunkPartition(byte[] id, int partitions) {
        return keyPartition(id, partitions);
    }

    private static int keyPartition(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Key of a record that should spread over partitions: job, NUL, path. */
    public static byte[] spreadKey(String job, byte[] path) {
        byte[] j = job.getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[j.length + 1 + path.length];
        System.arraycopy(j, 0, k, 0, j.length);
        System.arraycopy(path, 0, k, j.length + 1, path.length);
        return k;
    }

    private <K, V extends SpecificRecord> TopicSpec<K, V> spec(String name, int partitions, short replication,
            Map<String, String> configs, Serde<K> keySerde, SchemaRegistry registry, Class<V> type) {
        return new TopicSpec<>(namespace + name, partitions, replication, configs, keySerde,
                AvroSerde.forValues(registry, type));
    }
}
