package io.streamvault.catalog.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.DaemonThreads;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ChunkHasher;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Tree;
import io.streamvault.vault.TreeIndex;
import io.streamvault.vault.Vault;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Writes tree blobs into packs, skipping trees the vault already holds (an unchanged directory
 * has the same tree, so the same id). {@link #finish} writes the last pack and one index object
 * for all of them: trees are durable and indexed before any snapshot may name them.
 *
 * <p>The caller's thread encodes and hashes each tree (a parent needs its children's ids); a thread
 * of this writer compresses, encrypts and packs them and stores the packs, in the order given, so a
 * seal keeps two cores busy. At most {@link #IN_FLIGHT_BYTES} of encoded trees wait between the two. A failure on the
 * packing thread is thrown by the next {@link #write} or by {@link #finish}; {@link #close} stops the
 * thread when a seal is abandoned (the packs already stored are not indexed, as after a crash).
 */
public final class TreeWriter implements AutoCloseable {
    /** Bytes of trees encoded and not yet packed (a larger tree goes alone): bounds the memory between the threads. */
    static final int IN_FLIGHT_BYTES = 8 << 20;
    /** Permits that let the caller go on without waiting once the packing thread has stopped. */
    private static final int UNBLOCK = Integer.MAX_VALUE / 2;
    private static final Pending END = new Pending(null, null, 0);

    private record Pending(BlobId id, byte[] plain, int permits) {
    }

    private final Vault vault;
    private final TreeIndex known;
    private final boolean strict;
    private final Set<BlobId> written = new HashSet<>();
    private final ChunkHasher hasher;
    private final long packTarget;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final int inFlightBytes;
    private final Semaphore room;
    /** Written by the packing thread only; read after it is joined. */
    private final List<PackInfo> packs = new ArrayList<>();
    private final Thread packer;
    /** What stopped the packing thread: a RuntimeException or an Error, thrown as it is to the caller. */
    private volatile Throwable failure;
    private volatile boolean abandoned;
    /** The caller's stack was added to {@link #failure}. */
    private boolean failureTraced;
    private long treesWritten;
    private boolean finished;

    /**
     * @param strict write every tree this seal needs, even one the vault already holds: while a
     *     garbage collection runs, a tree found in the index may be one it is about to delete
     */
    public TreeWriter(Vault vault, TreeIndex known, long packTarget, boolean strict) {
        this(vault, known, packTarget, strict, IN_FLIGHT_BYTES);
    }

    /** @param inFlightBytes bytes of encoded trees that may wait for the packing thread */
    TreeWriter(Vault vault, TreeIndex known, long packTarget, boolean strict, int inFlightBytes) {
        this.inFlightBytes = inFlightBytes;
        this.room = new Semaphore(inFlightBytes);
        this.vault = vault;
        this.known = known;
        this.strict = strict;
        this.hasher = vault.newHasher();
        this.packTarget = packTarget;
        this.packer = DaemonThreads.named("tree-packer").newThread(this::pack);
        packer.start();
    }

    public BlobId write(Tree tree) {
        if (finished) {
            throw new IllegalStateException("tree writer already finished or closed");
        }
        throwIfFailed();
        byte[] plain = vault.encodeTree(tree);
        BlobId id = hasher.id(plain, 0, plain.length);
        TreeIndex.remember(id, tree);
        if ((strict || !known.contains(id)) && written.add(id)) {
            treesWritten++;
            int permits = Math.min(plain.length, inFlightBytes);
            // Not interruptible: the packer always either takes trees or, once stopped, frees every caller.
            room.acquireUninterruptibly(permits);
            queue.add(new Pending(id, plain, permits));
        }
        return id;
    }

    /** The packing thread: packs what comes, in order, until {@link #END}. */
    private void pack() {
        PackBuilder pack = vault.newPack();
        try {
            while (true) {
                Pending p = queue.take();
                if (p == END || abandoned) {
                    break;
                }
                pack.add(BlobType.TREE, p.id(), p.plain(), 0, p.plain().length);
                room.release(p.permits());
                if (pack.size() >= packTarget) {
                    packs.add(vault.writePack(pack));
                    pack = vault.newPack();
                }
            }
            if (!abandoned && pack.count() > 0) {
                packs.add(vault.writePack(pack));
            }
        } catch (InterruptedException e) {
            failure = new FatalException(ErrorCode.INTERNAL, "tree packing was interrupted", e);
        } catch (RuntimeException | Error e) { // an Error too: the caller must not wait for this thread forever
            failure = e;
        } finally {
            room.release(UNBLOCK); // a caller waiting for room goes on, and sees a failure at its next call
        }
    }

    /**
     * Throws what stopped the packing thread, as it is (an Error stays an Error: it is not a job's
     * failure). Its stack is the packer's: the first time, the caller's is added to it as a suppressed
     * trace, so that a log shows which seal it stopped.
     */
    private void throwIfFailed() {
        Throwable f = failure;
        if (f != null && !failureTraced) {
            failureTraced = true;
            try {
                f.addSuppressed(new RethrownAt(Thread.currentThread().getName()));
            } catch (OutOfMemoryError e) {
                // (f may be one too): the trace is a help, f is what must be thrown
            }
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
    }

    /** Writes what is pending and the index of every pack written; returns bytes added to the vault. */
    public long finish() {
        if (finished) {
            throw new IllegalStateException("tree writer already finished");
        }
        finished = true;
        queue.add(END);
        join();
        throwIfFailed();
        long bytesWritten = 0;
        if (!packs.isEmpty()) {
            vault.writeIndex(packs);
            for (PackInfo p : packs) {
                known.add(p.entries(), p.id());
                bytesWritten += p.size();
            }
        }
        return bytesWritten;
    }

    /** Waits for the packing thread to end, whatever interrupts come (the flag is set again after). */
    private void join() {
        boolean interrupted = false;
        while (packer.isAlive()) {
            try {
                packer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public long treesWritten() {
        return treesWritten;
    }

    /** Stops the packing thread if {@link #finish} was not reached (a seal that failed): nothing more is stored. */
    @Override
    public void close() {
        finished = true;
        if (!packer.isAlive()) {
            return;
        }
        abandoned = true;
        queue.add(END);
        join();
    }

    /** Where a packing failure was rethrown: the sealing thread's stack. */
    static final class RethrownAt extends Exception {
        private static final long serialVersionUID = 1L;

        RethrownAt(String thread) {
            super("rethrown to " + thread);
        }
    }
}
