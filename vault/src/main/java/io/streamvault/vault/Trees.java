package io.streamvault.vault;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Reading and writing rules for split trees (see {@link Tree}). */
public final class Trees {
    /** A directory with more entries than this is stored as a split tree. */
    public static final int SPLIT_ABOVE = 16_384;
    /** A part ends at a name boundary, or at this many entries at the latest. */
    public static final int MAX_PART = 32_768;
    /** One name in this many, on average, starts a new part. */
    static final int BOUNDARY_ONE_IN = 8_192;

    private Trees() {
    }

    /**
     * True when a part of a split tree starts at this name: decided by the name alone (a hash),
     * so part boundaries do not move when other entries come and go.
     */
    public static boolean isPartBoundary(byte[] name) {
        int h = 0x811c9dc5;
        for (byte b : name) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        h ^= h >>> 15;
        h *= 0x2c1b3c6d;
        h ^= h >>> 12;
        return Integer.remainderUnsigned(h, BOUNDARY_ONE_IN) == 0;
    }

    /**
     * Every entry of a tree in name order: its own nodes, or, for a split tree, the nodes of each
     * part, read from {@code loader} one part at a time when the iteration reaches it.
     */
    public static Iterable<Node> nodes(Tree tree, Function<BlobId, Tree> loader) {
        if (!tree.split()) {
            return tree.nodes();
        }
        return () -> new Iterator<>() {
            private final Iterator<BlobId> parts = tree.parts().iterator();
            private Iterator<Node> current = Collections.emptyIterator();
            private byte[] last;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && parts.hasNext()) {
                    BlobId id = parts.next();
                    Tree part = loader.apply(id);
                    if (part.split()) {
                        throw new FatalException(ErrorCode.CORRUPT_OBJECT, "tree part " + id.shortHex()
                                + " is itself split: parts hold nodes only");
                    }
                    current = part.nodes().iterator();
                }
                return current.hasNext();
            }

            @Override
            public Node next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Node n = current.next();
                if (last != null && Arrays.compareUnsigned(last, n.name()) >= 0) {
                    throw new FatalException(ErrorCode.CORRUPT_OBJECT, "the parts of a split tree are out of order at "
                            + io.streamvault.common.fs.RawPaths.display(n.name()));
                }
                last = n.name();
                return n;
            }
        };
    }

    /** A map key for a name. */
    public static ByteBuffer key(byte[] name) {
        return ByteBuffer.wrap(name);
    }
}
