package io.streamvault.restore.internal;

import io.streamvault.common.fs.DirFd;
import io.streamvault.restore.FilePlan;
import io.streamvault.restore.RestoreProgress;
import io.streamvault.vault.BlobReader;
import io.streamvault.vault.Node;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Writes regular files: each segment's chunks at their offsets (zeros as holes, see {@link Sparse}),
 * then, once every segment is written, the length, the metadata through the descriptor, and the
 * rename over the entry it replaces. A file that fails is removed and reported; an entry it was to
 * replace stays.
 */
final class FileWriter {
    private final BlobReader reader;
    private final Metadata metadata;
    private final RestoreProgress progress;

    FileWriter(BlobReader reader, Metadata metadata, RestoreProgress progress) {
        this.reader = reader;
        this.metadata = metadata;
        this.progress = progress;
    }

    /** Reads and writes the chunks of one segment (on a worker); a failure is recorded in the job. */
    void writeSegment(FileJob job, FilePlan.Segment segment) {
        try {
            if (!progress.cancelled() && job.failure() == null) {
                FileChannel ch = job.open().channel();
                for (int i = segment.fromChunk(); i < segment.toChunk() && !progress.cancelled() && job.failure() == null;
                        i++) {
                    FilePlan.Chunk c = job.plan.chunks().get(i);
                    byte[] data = reader.read(c.location());
                    Sparse.write(ch, data, c.offset());
                    progress.bytesDone(data.length);
                }
            }
        } catch (Throwable t) {
            job.fail(t);
        }
    }

    /** Completes the file after its last segment, or removes it if anything failed; releases its directory. */
    void finish(FileJob job) {
        Node n = job.node;
        DirFd fd = job.dir.fd;
        long length = job.plan.size();
        try {
            if (job.failure() == null && !progress.cancelled()) {
                DirFd.OpenFile file = job.open();
                if (length > 0 && file.channel().size() < length) {
                    file.setLength(length); // the file ends in a hole
                }
                try {
                    file.setMeta(metadata.of(n));
                } catch (IOException e) {
                    progress.error(job.shown + ": metadata: " + Reasons.of(e));
                }
                file.close();
                if (job.replace) {
                    fd.rename(job.createdName(), n.name());
                }
                if (length != n.size() && !n.changedDuringBackup()) {
                    progress.error(job.shown + ": restored " + length + " bytes but the snapshot records " + n.size());
                }
                job.done();
                progress.fileDone();
            }
        } catch (Throwable t) {
            job.fail(t);
        }
        if (!job.ok()) {
            removeFailed(job, fd);
        }
        job.dir.release();
    }

    private void removeFailed(FileJob job, DirFd fd) {
        DirFd.OpenFile file = job.created();
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // being removed anyway
            }
            TempNames.deleteQuietly(fd, job.createdName());
        }
        if (job.failure() != null) {
            progress.error(job.shown + ": " + Reasons.of(job.failure()));
        }
    }
}
