package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.Glob;
import io.streamvault.scanner.ChangedDirs;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.vault.SnapshotRef;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One backup job as the backup command asks for it, run the same way by the command itself and by
 * an agent it hands the job to: the job and its root task are submitted, then followed to the end.
 *
 * @param root the absolute path of the directory to back up, as bytes
 * @param excludes globs of entries to leave out, relative to the root ({@code --exclude}; the syntax
 *     of {@link Glob}); every scanner of the job reads them from its records
 * @param host the host name to record (null: this host's)
 * @param user the user name to record (null: this process's)
 * @param parent the parent snapshot asked for (null: the latest of the same path)
 * @param startMs when the command started (the summary's duration counts from it)
 * @param retainSeconds how long to keep the snapshot after it is sealed (0: what the vault lock asks)
 * @param changedDirs null for a full walk; else the directories, relative to the root, in which a
 *     change feed saw something change: the walk lists only those and their ancestors and takes
 *     the rest from the parent snapshot (docs/continuous.md, Narrowed walks). Kept sorted and
 *     distinct ({@link ChangedDirs#checked}); a list over {@link ChangedDirs}'s cap becomes null
 */
public record BackupJob(byte[] root, List<String> tags, List<String> excludes, String host, String user, String parent,
        boolean forceRead, long startMs, long retainSeconds, List<byte[]> changedDirs) {

    public BackupJob {
        excludes = checkExcludes(excludes);
        changedDirs = ChangedDirs.checked(changedDirs);
    }

    /** A job that walks everything (no changed directories). */
    public BackupJob(byte[] root, List<String> tags, List<String> excludes, String host, String user, String parent,
            boolean forceRead, long startMs, long retainSeconds) {
        this(root, tags, excludes, host, user, parent, forceRead, startMs, retainSeconds, null);
    }

    /**
     * The exclude globs, checked: a malformed one is a FatalException (INVALID_ARGUMENT) naming it,
     * before any job starts, rather than a directory a scanner cannot list.
     */
    public static List<String> checkExcludes(List<String> globs) {
        for (String g : globs) {
            try {
                Glob.compile(g);
            } catch (FatalException e) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--exclude: " + e.getMessage(), e);
            }
        }
        return List.copyOf(globs);
    }

    /** The job record of this backup as job {@code job}, submitted by {@code instance}. */
    public JobStarted started(String job, String instance, Optional<SnapshotRef> parentSnap) {
        // The parent's top tree: the scanner that takes the root task finds the contents in it
        // with its own, warm, tree index, so the submitter never loads the vault's index.
        return JobStarted.newBuilder()
                .setJob(job)
                .setRoot(ByteBuffer.wrap(root))
                .setHost(host != null ? host : Hosts.hostname())
                .setUser(user != null ? user : Hosts.user())
                .setTimeNs(System.currentTimeMillis() * 1_000_000L)
                .setTags(tags)
                .setParentSnapshot(parentSnap.map(SnapshotRef::id).orElse(null))
                .setParentTree(parentTree(parentSnap))
                .setForceRead(forceRead)
                .setClient(instance)
                .setRetainS(retainSeconds)
                .setExcludes(excludes)
                .setChangedDirs(changedBuffers())
                .build();
    }

    /** The root directory task of job {@code job}. */
    public DirTask rootTask(String job, Optional<SnapshotRef> parentSnap) {
        return DirTask.newBuilder()
                .setJob(job)
                .setRoot(ByteBuffer.wrap(root))
                .setRel(ByteBuffer.wrap(new byte[0]))
                .setParentTree(parentTree(parentSnap))
                .setForceRead(forceRead)
                .setParentSnapshot(parentSnap.map(SnapshotRef::id).orElse(null))
                .setExcludes(excludes)
                .setChangedDirs(changedBuffers())
                .build();
    }

    /** The changed directories as the records carry them (null: a full walk). */
    private List<ByteBuffer> changedBuffers() {
        return changedDirs == null ? null : Buffers.wrapAll(changedDirs);
    }

    private static ByteBuffer parentTree(Optional<SnapshotRef> parentSnap) {
        return parentSnap.map(s -> ByteBuffer.wrap(s.snapshot().tree().bytes())).orElse(null);
    }

    /**
     * Submits the job through {@code client} (its id goes to {@code submitted}) and waits for its
     * end; returns the SEALED status or throws {@link JobClient#failed}. {@code failure} is asked
     * between polls for a reason to stop waiting.
     */
    public JobStatus run(JobClient client, String instance, Optional<SnapshotRef> parentSnap, Consumer<String> submitted,
            Consumer<JobProgress> progress, Supplier<RuntimeException> failure) {
        String job = UUID.randomUUID().toString();
        client.submit(started(job, instance, parentSnap), rootTask(job, parentSnap));
        Timing.mark("job submitted");
        submitted.accept(job);
        JobStatus end = client.await(job, s -> progress.accept(s.getProgress()), failure);
        Timing.mark("job ended");
        if (end.getState() != JobState.SEALED) {
            throw JobClient.failed(end);
        }
        return end;
    }
}
