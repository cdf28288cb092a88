package io.streamvault.vault.internal;

import com.fasterxml.jackson.core.JsonGenerator;
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
        g.writeFieldName("name");
        g.writeBinary(n.name());
        g.writeStringField("type", TYPE_NAMES[n.type().ordinal()]);
        g.writeNumberField("mode", n.mode());
        g.writeNumberField("uid", Integer.toUnsignedLong(n.uid()));
        g.writeNumberField("gid", Integer.toUnsignedLong(n.gid()));
        g.writeNumberField("size", n.size());
        g.writeNumberField("mtime", n.mtimeNs());
        g.writeNumberField("atime", n.atimeNs());
        g.writeNumberField("ctime", n.ctimeNs());
        writeU64(g, "inode", n.inode());
        writeU64(g, "dev", n.dev());
        writeU64(g, "links", n.nlink());
        writeU64(g, "rdev", n.rdev());
        if (n.linkTarget() != null) {
            g.writeFieldName("linktarget");
            g.writeBinary(n.linkTarget());
        }
        if (n.xattrs() != null && !n.xattrs().isEmpty()) {
            writeXattrs(g, n);
        }
        if (n.type() == FileKind.FILE) {
            g.writeArrayFieldStart("content");
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
            g.writeStringField("subtree", n.subtree().hex());
        }
        if (n.error() != null) {
            g.writeStringField("error", n.error());
        }
        if (n.changedDuringBackup()) {
            g.writeBooleanField("changed_during_backup", true);
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
        g.writeArrayFieldStart("xattrs");
        for (Xattr x : xs) {
            g.writeStartObject();
            g.writeFieldName("name");
            g.writeBinary(x.name());
            g.writeFieldName("value");
            g.writeBinary(x.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeU64(JsonGenerator g, String field, long v) throws IOException {
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
