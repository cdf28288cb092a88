package io.streamvault.vault.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Node;
import io.streamvault.vault.Tree;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Encodes trees as canonical JSON: nodes sorted by name bytes (unsigned), fields in a fixed order,
 * optional fields omitted when empty, xattrs sorted by name, byte strings base64, ids hex. uid and
 * gid are written unsigned (u32); inode, dev, links and rdev unsigned (u64).
 */
final class TreeCodec {
    static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
    static final String[] TYPE_NAMES = {"file", "dir", "symlink", "fifo", "socket", "chardev", "blockdev"};

    /**
     * Field names encoded once: Jackson copies a {@code String} name char by char at every write (a
     * quarter of a million small files' tree encoding in a profile). The bytes written are the same.
     */
    private static final SerializedString F_NAME = new SerializedString("name");
    private static final SerializedString F_TYPE = new SerializedString("type");
    private static final SerializedString F_MODE = new SerializedString("mode");
    private static final SerializedString F_UID = new SerializedString("uid");
    private static final SerializedString F_GID = new SerializedString("gid");
    private static final SerializedString F_SIZE = new SerializedString("size");
    private static final SerializedString F_MTIME = new SerializedString("mtime");
    private static final SerializedString F_ATIME = new SerializedString("atime");
    private static final SerializedString F_CTIME = new SerializedString("ctime");
    private static final SerializedString F_INODE = new SerializedString("inode");
    private static final SerializedString F_DEV = new SerializedString("dev");
    private static final SerializedString F_LINKS = new SerializedString("links");
    private static final SerializedString F_RDEV = new SerializedString("rdev");
    private static final SerializedString F_LINKTARGET = new SerializedString("linktarget");
    private static final SerializedString F_CONTENT = new SerializedString("content");
    private static final SerializedString F_SUBTREE = new SerializedString("subtree");
    private static final SerializedString F_ERROR = new SerializedString("error");
    private static final SerializedString F_CHANGED_DURING_BACKUP = new SerializedString("changed_during_backup");
    private static final SerializedString F_XATTRS = new SerializedString("xattrs");
    private static final SerializedString F_VALUE = new SerializedString("value");

    private TreeCodec() {
    }

    static byte[] encode(Tree tree) {
        if (tree == null || tree.nodes() == null) {
            throw Errors.invalid("a tree needs a list of nodes");
        }
        List<Node> nodes = tree.nodes();
        if (!sorted(nodes)) {
            nodes = new ArrayList<>(nodes);
            for (Node n : nodes) {
                checkName(n);
            }
            nodes.sort((x, y) -> UNSIGNED.compare(x.name(), y.name()));
        }
        long hint = 16;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            check(n);
            if (i > 0 && Arrays.equals(nodes.get(i - 1).name(), n.name())) {
                throw Errors.invalid("tree has two nodes named " + printable(n.name()));
            }
            hint += 300 + (n.content() == null ? 0 : 67L * n.content().size());
        }
        if (tree.split() && !nodes.isEmpty()) {
            throw Errors.invalid("a split tree holds parts only, no nodes");
        }
        List<Node> sortedNodes = nodes;
        return Json.write((int) Math.min(hint + 67L * tree.parts().size(), 1 << 26), g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("nodes");
            for (Node n : sortedNodes) {
                writeNode(g, n);
            }
            g.writeEndArray();
            if (tree.split()) {
                g.writeArrayFieldStart("parts");
                for (io.streamvault.vault.BlobId id : tree.parts()) {
                    g.writeString(id.hex());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    static boolean sorted(List<Node> nodes) {
        for (int i = 1; i < nodes.size(); i++) {
            Node a = nodes.get(i - 1);
            Node b = nodes.get(i);
            if (a == null || b == null || a.name() == null || b.name() == null
                    || UNSIGNED.compare(a.name(), b.name()) > 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkName(Node n) {
        if (n == null || n.name() == null) {
            throw Errors.invalid("tree has a null node or name");
        }
    }

    private static void check(Node n) {
        checkName(n);
        String bad = badName(n.name());
        if (bad != null) {
            throw Errors.invalid("node name " + printable(n.name()) + " " + bad);
        }
        if (n.type() == null) {
            throw Errors.invalid("node " + printable(n.name()) + " has no type");
        }
        if (n.mode() < 0 || n.mode() > 07777) {
            throw Errors.invalid("node " + printable(n.name()) + " has mode " + Integer.toOctalString(n.mode())
                    + " beyond 07777");
        }
        if (n.size() < 0) {
            throw Errors.invalid("node " + printable(n.name()) + " has negative size " + n.size());
        }
        if (n.type() != FileKind.FILE && n.content() != null && !n.content().isEmpty()) {
            throw Errors.invalid("node " + printable(n.name()) + " is a " + n.type() + " with content");
        }
        if (n.type() != FileKind.DIR && n.subtree() != null) {
            throw Errors.invalid("node " + printable(n.name()) + " is a " + n.type() + " with a subtree");
        }
    }

    /** Why a name cannot be a directory entry, or null when it can. */
    static String badName(byte[] name) {
        if (name.length == 0) {
            return "is empty";
        }
        if (name.length <= 2 && name[0] == '.' && (name.length == 1 || name[1] == '.')) {
            return "is . or ..";
        }
        for (byte b : name) {
            if (b == '/' || b == 0) {
                return "contains '/' or NUL";
            }
        }
        return null;
    }

    private static void writeNode(JsonGenerator g, Node n) throws IOException {
        g.writeStartObject();
        g.writeFieldName(F_NAME);
        g.writeBinary(n.name());
        g.writeFieldName(F_TYPE);
        g.writeString(TYPE_NAMES[n.type().ordinal()]);
        g.writeFieldName(F_MODE);
        g.writeNumber(n.mode());
        g.writeFieldName(F_UID);
        g.writeNumber(Integer.toUnsignedLong(n.uid()));
        g.writeFieldName(F_GID);
        g.writeNumber(Integer.toUnsignedLong(n.gid()));
        g.writeFieldName(F_SIZE);
        g.writeNumber(n.size());
        g.writeFieldName(F_MTIME);
        g.writeNumber(n.mtimeNs());
        g.writeFieldName(F_ATIME);
        g.writeNumber(n.atimeNs());
        g.writeFieldName(F_CTIME);
        g.writeNumber(n.ctimeNs());
        writeU64(g, F_INODE, n.inode());
        writeU64(g, F_DEV, n.dev());
        writeU64(g, F_LINKS, n.nlink());
        writeU64(g, F_RDEV, n.rdev());
        if (n.linkTarget() != null) {
            g.writeFieldName(F_LINKTARGET);
            g.writeBinary(n.linkTarget());
        }
        if (n.xattrs() != null && !n.xattrs().isEmpty()) {
            writeXattrs(g, n);
        }
        if (n.type() == FileKind.FILE) {
            g.writeFieldName(F_CONTENT);
            g.writeStartArray();
            if (n.content() != null) {
                for (BlobId id : n.content()) {
                    if (id == null) {
                        throw Errors.invalid("node " + printable(n.name()) + " has a null chunk id");
                    }
                    g.writeString(id.hex());
                }
            }
            g.writeEndArray();
        }
        if (n.subtree() != null) {
            g.writeFieldName(F_SUBTREE);
            g.writeString(n.subtree().hex());
        }
        if (n.error() != null) {
            g.writeFieldName(F_ERROR);
            g.writeString(n.error());
        }
        if (n.changedDuringBackup()) {
            g.writeFieldName(F_CHANGED_DURING_BACKUP);
            g.writeBoolean(true);
        }
        g.writeEndObject();
    }

    private static void writeXattrs(JsonGenerator g, Node n) throws IOException {
        List<Xattr> xs = new ArrayList<>(n.xattrs());
        for (Xattr x : xs) {
            if (x == null || x.name() == null || x.value() == null) {
                throw Errors.invalid("node " + printable(n.name()) + " has an xattr without name or value");
            }
        }
        xs.sort((a, b) -> UNSIGNED.compare(a.name(), b.name()));
        g.writeFieldName(F_XATTRS);
        g.writeStartArray();
        for (Xattr x : xs) {
            g.writeStartObject();
            g.writeFieldName(F_NAME);
            g.writeBinary(x.name());
            g.writeFieldName(F_VALUE);
            g.writeBinary(x.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeU64(JsonGenerator g, SerializedString field, long v) throws IOException {
        g.writeFieldName(field);
        if (v >= 0) {
            g.writeNumber(v);
        } else {
            g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
        }
    }

    /** A name for messages: printable ASCII kept, other bytes as \xNN. */
    static String printable(byte[] name) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < name.length && i < 200; i++) {
            int c = name[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.append(name.length > 200 ? "...\"" : "\"").toString();
    }
}
