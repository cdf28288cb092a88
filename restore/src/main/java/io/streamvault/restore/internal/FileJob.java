package io.streamvault.restore.internal;

import io.streamvault.common.fs.DirFd;
import io.streamvault.restore.FilePlan;
import io.streamvault.vault.Node;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One regular file being written, by one or more segment tasks at once. It is created, under its name
 * or (replacing) a temporary one, by the first task that writes; {@link FileWriter#finish} ends it.
 */
final class FileJob {
    final TargetDir dir;
    final Node node;
    final String shown;
    /** An existing entry is replaced: the file is written under a temporary name, then renamed. */
    final boolean replace;
    final FilePlan plan;
    /** Segment tasks not yet done; the one that brings it to zero finishes the file. */
    final AtomicInteger remaining = new AtomicInteger();
    private byte[] createName;
    private DirFd.OpenFile file;
    private volatile Throwable failure;
    private volatile boolean ok;

    FileJob(TargetDir dir, Node node, String shown, boolean replace, FilePlan plan) {
        this.dir = dir;
        this.node = node;
        this.shown = shown;
        this.replace = replace;
        this.plan = plan;
    }

    /** The created file, creating it on first use. */
    synchronized DirFd.OpenFile open() throws IOException {
        if (file == null) {
            createName = replace ? TempNames.next() : node.name();
            file = dir.fd.create(createName);
        }
        return file;
    }

    /** The name the file was created under, or null if it was not created. */
    synchronized byte[] createdName() {
        return file == null ? null : createName;
    }

    /** The file if it was created, else null. */
    synchronized DirFd.OpenFile created() {
        return file;
    }

    /** Records why the file cannot be restored (the first reason is kept); the remaining tasks stop. */
    void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    Throwable failure() {
        return failure;
    }

    /** True once the file is complete under its name. */
    boolean ok() {
        return ok;
    }

    void done() {
        ok = true;
    }
}
