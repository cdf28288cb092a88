package io.streamvault.scanner.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.FileMeta;
import io.streamvault.common.fs.Posix;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.schemas.records.Xattr;
import io.streamvault.vault.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an entry's metadata into the node that travels on the topics. */
public final class Metadata {
    private Metadata() {
    }

    /** lstat, symlink target and extended attributes of {@code p}, named {@code name}. */
    public static NodeRecord read(Path p, byte[] name) throws IOException {
        return read(p, name, Posix.lstat(p));
    }

    /** As {@link #read(Path, byte[])}, with the lstat already taken. */
    public static NodeRecord read(Path p, byte[] name, FileMeta m) throws IOException {
        NodeRecord.Builder b = stat(name, m)
                .setXattrs(xattrs(p, m.kind()));
        if (m.kind() == FileKind.SYMLINK) {
            b.setLinkTarget(ByteBuffer.wrap(Posix.readlink(p)));
        }
        return b.build();
    }

    /**
     * The node of an entry whose stat matches its record in the parent snapshot: the stat as it is
     * now, the extended attributes and symlink target as recorded (changing either changes ctime).
     */
    public static NodeRecord unchanged(byte[] name, FileMeta m, Node prev) {
        List<Xattr> xattrs = new ArrayList<>(prev.xattrs().size());
        for (var x : prev.xattrs()) {
            xattrs.add(new Xattr(ByteBuffer.wrap(x.name()), ByteBuffer.wrap(x.value())));
        }
        NodeRecord.Builder b = stat(name, m).setXattrs(xattrs);
        if (m.kind() == FileKind.SYMLINK) {
            b.setLinkTarget(ByteBuffer.wrap(prev.linkTarget()));
        }
        return b.build();
    }

    /**
     * Every field is set, here or by the caller: a field a builder leaves unset costs a lookup of its
     * default, which hashes the field's whole schema each time (Avro's {@code Field.hashCode} is not
     * cached), a cost per file that showed in profiles of small-file backups.
     */
    private static NodeRecord.Builder stat(byte[] name, FileMeta m) {
        return NodeRecord.newBuilder()
                .setName(ByteBuffer.wrap(name))
                .setType(NodeType.valueOf(m.kind().name()))
                .setMode(m.mode())
                .setUid(m.uid())
                .setGid(m.gid())
                .setSize(m.kind() == FileKind.FILE || m.kind() == FileKind.SYMLINK ? m.size() : 0)
                .setMtimeNs(m.mtimeNs())
                .setAtimeNs(m.atimeNs())
                .setCtimeNs(m.ctimeNs())
                .setInode(m.inode())
                .setDev(m.dev())
                .setNlink(m.nlink())
                .setRdev(m.rdev())
                .setLinkTarget(null)
                .setSubtree(null)
                .setError(null)
                .setChangedDuringBackup(false)
                .setContent(List.of());
    }

    private static List<Xattr> xattrs(Path p, FileKind kind) throws IOException {
        if (kind == FileKind.SYMLINK) {
            return new ArrayList<>(); // Linux allows no user.* attributes on symlinks
        }
        List<io.streamvault.common.fs.Xattr> raw = Posix.xattrs(p);
        List<Xattr> out = new ArrayList<>(raw.size());
        for (var x : raw) {
            out.add(new Xattr(ByteBuffer.wrap(x.name()), ByteBuffer.wrap(x.value())));
        }
        return out;
    }

    /** A node for an entry that vanished or could not be read, with the reason. */
    public static NodeRecord failed(byte[] name, NodeType type, String error) {
        return NodeRecord.newBuilder()
                .setName(ByteBuffer.wrap(name))
                .setType(type)
                .setMode(0).setUid(0).setGid(0).setSize(0)
                .setMtimeNs(0).setAtimeNs(0).setCtimeNs(0)
                .setInode(0).setDev(0).setNlink(0)
                .setContent(List.of())
                .setXattrs(List.of())
                .setError(error)
                .build();
    }
}
