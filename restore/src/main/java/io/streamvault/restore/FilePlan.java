package io.streamvault.restore;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where the bytes of one regular file of a snapshot are: its chunks in order, each with its location
 * in the vault and its offset in the file. A restore writes a file from it in segments of whole chunks
 * ({@link #segments}); a ranged download reads only the chunks that cover the range ({@link #range}).
 * The file's length is the sum of its chunks' lengths, which is what is restored or sent.
 */
public final class FilePlan {
    /** One chunk of the file: where the vault keeps it, and the bytes {@code [offset, end())} of the file it holds. */
    public record Chunk(BlobLocation location, long offset) {
        public BlobId id() {
            return location.id();
        }

        public int length() {
            return location.rawLength();
        }

        public long end() {
            return offset + location.rawLength();
        }
    }

    /** The bytes {@code [from, to)} of one chunk's plain data. */
    public record Slice(Chunk chunk, int from, int to) {
        public int length() {
            return to - from;
        }
    }

    /** The whole chunks {@code [fromChunk, toChunk)}, which hold the bytes {@code [offset, offset + length)} of the file. */
    public record Segment(int fromChunk, int toChunk, long offset, long length) {
    }

    private final List<Chunk> chunks;
    private final long size;

    private FilePlan(List<Chunk> chunks, long size) {
        this.chunks = chunks;
        this.size = size;
    }

    /** The plan of {@code file}, its chunks located in {@code index}. */
    public static FilePlan of(Node file, MasterIndex index) {
        return of(file, id -> index.find(id, BlobType.DATA).orElse(null));
    }

    /**
     * The plan of {@code file}, each chunk located by {@code locate} (which returns null, or throws,
     * for a chunk the vault does not have): OBJECT_NOT_FOUND naming the first missing chunk.
     */
    public static FilePlan of(Node file, Function<BlobId, BlobLocation> locate) {
        if (file.type() != FileKind.FILE) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "a file plan is made of a regular file, not of a "
                    + file.type());
        }
        List<Chunk> chunks = new ArrayList<>(file.content().size());
        long offset = 0;
        for (BlobId id : file.content()) {
            BlobLocation loc = locate.apply(id);
            if (loc == null) {
                throw new FatalException(ErrorCode.OBJECT_NOT_FOUND, "chunk " + id.shortHex()
                        + " is in no index of the vault");
            }
            chunks.add(new Chunk(loc, offset));
            offset += loc.rawLength();
        }
        return new FilePlan(List.copyOf(chunks), offset);
    }

    /** The chunks in file order. */
    public List<Chunk> chunks() {
        return chunks;
    }

    /** The file's length: the sum of its chunks' lengths. */
    public long size() {
        return size;
    }

    /**
     * What to read for the bytes {@code [start, start + length)} of the file: the chunks that hold
     * them, in order, each with the part of it that lies in the range (none for an empty range).
     * RANGE_NOT_SATISFIABLE if the range does not lie within the file.
     */
    public List<Slice> range(long start, long length) {
        if (start < 0 || length < 0 || start > size || length > size - start) {
            throw new FatalException(ErrorCode.RANGE_NOT_SATISFIABLE, "bytes " + start + " to " + start + "+" + length
                    + " do not lie within the file (" + size + " bytes)");
        }
        List<Slice> out = new ArrayList<>();
        long end = start + length;
        for (int i = firstEndingAfter(start); i < chunks.size() && chunks.get(i).offset() < end; i++) {
            Chunk c = chunks.get(i);
            int from = (int) Math.max(0, start - c.offset());
            int to = (int) (Math.min(c.end(), end) - c.offset());
            if (to > from) {
                out.add(new Slice(c, from, to));
            }
        }
        return out;
    }

    /** The index of the first chunk that ends after {@code pos} (chunks' ends never decrease), or the count. */
    private int firstEndingAfter(long pos) {
        int lo = 0;
        int hi = chunks.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (chunks.get(mid).end() <= pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The file cut into runs of whole chunks, in order, so that several writers can write it at once:
     * each segment ends at the first chunk boundary at or after {@code bytes} bytes from its start,
     * the last holds the rest. One segment for a file of at most {@code bytes} bytes, none for a
     * file without chunks.
     */
    public List<Segment> segments(long bytes) {
        if (bytes < 1) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "segments must be at least 1 byte, not " + bytes);
        }
        List<Segment> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < chunks.size(); i++) {
            long start = chunks.get(from).offset();
            boolean last = i + 1 == chunks.size();
            if (last || chunks.get(i).end() - start >= bytes) {
                out.add(new Segment(from, i + 1, start, chunks.get(i).end() - start));
                from = i + 1;
            }
        }
        return out;
    }
}
