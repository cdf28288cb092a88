package io.streamvault.catalog.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import io.streamvault.schemas.Buffers;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Node;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Converts nodes as they travel on topics (Avro) to nodes as trees store them (vault). */
public final class Nodes {
    private Nodes() {
    }

    /**
     * The access time is not kept: reading a file for a backup changes it, so keeping it would make
     * every tree new at every backup. Trees record atime = mtime.
     */
    public static Node toVault(NodeRecord n, List<BlobId> content, BlobId subtree,
            String error, boolean changed) {
        List<Xattr> xattrs = new ArrayList<>(n.getXattrs().size());
        for (var x : n.getXattrs()) {
            xattrs.add(new Xattr(Buffers.of(x.getName()), Buffers.of(x.getValue())));
        }
        return new Node(Buffers.of(n.getName()), FileKind.valueOf(n.getType().name()), n.getMode(), n.getUid(),
                n.getGid(), n.getSize(), n.getMtimeNs(), n.getMtimeNs(), n.getCtimeNs(), n.getInode(), n.getDev(),
                n.getNlink(), n.getRdev(), Buffers.of(n.getLinkTarget()), xattrs, content, subtree, error, changed);
    }

    /**
     * The entries-store value that stands for the unchanged non-directory entries of a directory:
     * stored under the directory with an empty name (no real entry has one), it names the parent
     * snapshot's tree that holds them.
     */
    public static NodeRecord reuseMarker(ByteBuffer parentTree) {
        return NodeRecord.newBuilder()
                .setName(ByteBuffer.wrap(new byte[0]))
                .setType(NodeType.DIR)
                .setMode(0).setUid(0).setGid(0).setSize(0)
                .setMtimeNs(0).setAtimeNs(0).setCtimeNs(0)
                .setInode(0).setDev(0).setNlink(0)
                .setContent(List.of(parentTree))
                .setXattrs(List.of())
                .build();
    }

    /** The parent tree a {@link #reuseMarker} names. */
    public static BlobId reusedTree(NodeRecord marker) {
        if (marker.getContent().size() != 1) {
            throw new IllegalStateException("malformed reuse entry");
        }
        return BlobId.of(Buffers.of(marker.getContent().get(0)));
    }

    public static List<BlobId> ids(List<ByteBuffer> content) {
        List<BlobId> out = new ArrayList<>(content.size());
        for (ByteBuffer b : content) {
            out.add(BlobId.of(Buffers.of(b)));
        }
        return out;
    }
}
