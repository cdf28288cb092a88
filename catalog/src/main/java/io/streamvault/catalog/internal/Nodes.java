package io.streamvault.catalog.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import io.streamvault.schemas.Bytes;
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
    public static Node toVault(io.streamvault.schemas.records.Node n, List<BlobId> content, BlobId subtree,
            String error, boolean changed) {
        List<Xattr> xattrs = new ArrayList<>(n.getXattrs().size());
        for (var x : n.getXattrs()) {
            xattrs.add(new Xattr(Bytes.of(x.getName()), Bytes.of(x.getValue())));
        }
        return new Node(Bytes.of(n.getName()), FileKind.valueOf(n.getType().name()), n.getMode(), n.getUid(),
                n.getGid(), n.getSize(), n.getMtimeNs(), n.getMtimeNs(), n.getCtimeNs(), n.getInode(), n.getDev(),
                n.getNlink(), n.getRdev(), Bytes.of(n.getLinkTarget()), xattrs, content, subtree, error, changed);
    }

    public static List<BlobId> ids(List<ByteBuffer> content) {
        List<BlobId> out = new ArrayList<>(content.size());
        for (ByteBuffer b : content) {
            out.add(BlobId.of(Bytes.of(b)));
        }
        return out;
    }
}
