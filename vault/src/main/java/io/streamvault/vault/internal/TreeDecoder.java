package io.streamvault.vault.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import io.streamvault.common.util.Hex;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.Node;
import io.streamvault.vault.Tree;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Decodes tree JSON strictly: anything malformed is CORRUPT_OBJECT ("tree blob ..."), never
 * another exception; unknown fields are skipped so later versions may add some.
 */
final class TreeDecoder {
    private static final BigInteger U64_LIMIT = BigInteger.ONE.shiftLeft(64);

    private TreeDecoder() {
    }

    /** Parses a tree; CORRUPT_OBJECT for anything malformed. */
    static Tree decode(byte[] json) {
        if (json == null) {
            throw Errors.corrupt("tree blob is null");
        }
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "the tree");
            List<Node> nodes = null;
            List<BlobId> parts = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (f.equals("nodes")) {
                    expect(p, t, JsonToken.START_ARRAY, "\"nodes\"");
                    nodes = new ArrayList<>();
                    JsonToken nt;
                    while ((nt = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (nt != JsonToken.START_OBJECT) {
                            expect(p, nt, JsonToken.START_OBJECT, "node " + nodes.size());
                        }
                        nodes.add(readNode(p, nodes.size()));
                    }
                } else if (f.equals("parts")) {
                    parts = readIds(p, t, "split tree parts");
                } else {
                    p.skipChildren();
                }
            }
            expect(p, p.currentToken(), JsonToken.END_OBJECT, "the end of the tree");
            if (p.nextToken() != null) {
                throw Errors.corrupt("tree blob has data after its end");
            }
            if (nodes == null) {
                throw Errors.corrupt("tree blob has no \"nodes\"");
            }
            if (!parts.isEmpty() && !nodes.isEmpty()) {
                throw Errors.corrupt("split tree blob has both nodes and parts");
            }
            return new Tree(sortedUnique(nodes), parts);
        } catch (IOException | IllegalArgumentException e) {
            throw Errors.corrupt("tree blob is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static List<Node> sortedUnique(List<Node> nodes) {
        if (!TreeCodec.sorted(nodes)) {
            nodes.sort((x, y) -> TreeCodec.UNSIGNED.compare(x.name(), y.name()));
        }
        for (int i = 1; i < nodes.size(); i++) {
            if (Arrays.equals(nodes.get(i - 1).name(), nodes.get(i).name())) {
                throw Errors.corrupt("tree blob has two nodes named " + TreeCodec.printable(nodes.get(i).name()));
            }
        }
        return Collections.unmodifiableList(nodes);
    }

    /**
     * Reads one node. Error messages name the node ("tree blob node 3 ..."); they are put together
     * only when there is an error: a tree of 1,000 nodes used to build some 15,000 strings it never
     * showed, a good part of the time garbage collection and stats spend walking trees.
     */
    private static Node readNode(JsonParser p, int index) throws IOException {
        Where what = new Where(index);
        byte[] name = null;
        FileKind type = null;
        long[] num = new long[NUMBER_FIELDS.length];
        boolean[] seen = new boolean[NUMBER_FIELDS.length];
        byte[] link = null;
        List<Xattr> xattrs = List.of();
        List<BlobId> content = null;
        BlobId subtree = null;
        String error = null;
        boolean changed = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            int k = numberField(f);
            if (k >= 0) {
                if (seen[k]) {
                    throw Errors.corrupt(what + " repeats \"" + f + "\"");
                }
                seen[k] = true;
                num[k] = readNumber(p, t, k, what, f);
                continue;
            }
            switch (f) {
                case "name" -> name = binary(p, t, what, " name");
                case "type" -> type = kind(string(p, t, what, " type"), what);
                case "linktarget" -> link = t == JsonToken.VALUE_NULL ? null : binary(p, t, what, " linktarget");
                case "xattrs" -> xattrs = readXattrs(p, t, what.toString());
                case "content" -> content = readIds(p, t, what);
                case "subtree" -> subtree = t == JsonToken.VALUE_NULL ? null : id(string(p, t, what, " subtree"), what);
                case "error" -> error = t == JsonToken.VALUE_NULL ? null : string(p, t, what, " error");
                case "changed_during_backup" -> {
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw Errors.corrupt(what + ": changed_during_backup is not a boolean");
                    }
                    changed = t == JsonToken.VALUE_TRUE;
                }
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            expect(p, p.currentToken(), JsonToken.END_OBJECT, "the end of " + what);
        }
        if (name == null || type == null) {
            throw Errors.corrupt(what + " has no name or no type");
        }
        String bad = TreeCodec.badName(name);
        if (bad != null) {
            throw Errors.corrupt(what + ": name " + TreeCodec.printable(name) + " " + bad);
        }
        for (int k = 0; k < seen.length; k++) {
            if (!seen[k]) {
                throw Errors.corrupt(what + " (" + TreeCodec.printable(name) + ") has no \"" + NUMBER_FIELDS[k] + "\"");
            }
        }
        if (type != FileKind.FILE && content != null && !content.isEmpty()) {
            throw Errors.corrupt(what + " (" + TreeCodec.printable(name) + ") is a " + type + " with content");
        }
        if (type != FileKind.DIR && subtree != null) {
            throw Errors.corrupt(what + " (" + TreeCodec.printable(name) + ") is a " + type + " with a subtree");
        }
        return new Node(name, type, (int) num[0], (int) num[1], (int) num[2], num[3], num[4], num[5], num[6],
                num[7], num[8], num[9], num[10], link, xattrs, content == null ? List.of() : content, subtree,
                error, changed);
    }

    private static final String[] NUMBER_FIELDS = {"mode", "uid", "gid", "size", "mtime", "atime", "ctime", "inode",
            "dev", "links", "rdev"};

    private static int numberField(String f) {
        for (int i = 0; i < NUMBER_FIELDS.length; i++) {
            if (NUMBER_FIELDS[i].equals(f)) {
                return i;
            }
        }
        return -1;
    }

    /** Reads field k of NUMBER_FIELDS with its range: mode 07777, uid/gid u32, size >= 0, times i64, rest u64. */
    private static long readNumber(JsonParser p, JsonToken t, int k, Object node, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw Errors.corrupt(node + " \"" + field + "\" is not an integer");
        }
        if (k >= 7) {
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                long v = p.getLongValue(); // the common case, without a BigInteger
                if (v < 0) {
                    throw Errors.corrupt(node + " \"" + field + "\" " + v + " is not an unsigned 64-bit integer");
                }
                return v;
            }
            BigInteger v = p.getBigIntegerValue();
            if (v.signum() < 0 || v.compareTo(U64_LIMIT) >= 0) {
                throw Errors.corrupt(node + " \"" + field + "\" " + v + " is not an unsigned 64-bit integer");
            }
            return v.longValue();
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw Errors.corrupt(node + " \"" + field + "\" is out of range");
        }
        long v = p.getLongValue();
        long max = k == 0 ? 07777 : k <= 2 ? 0xFFFF_FFFFL : Long.MAX_VALUE;
        long min = k <= 3 ? 0 : Long.MIN_VALUE;
        if (v < min || v > max) {
            throw Errors.corrupt(node + " \"" + field + "\" " + v + " is out of range");
        }
        return v;
    }

    private static List<Xattr> readXattrs(JsonParser p, JsonToken t, String what) throws IOException {
        expect(p, t, JsonToken.START_ARRAY, what + " xattrs");
        List<Xattr> out = new ArrayList<>();
        JsonToken x;
        while ((x = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(p, x, JsonToken.START_OBJECT, what + " xattr");
            byte[] name = null;
            byte[] value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "name" -> name = binary(p, v, what, " xattr name");
                    case "value" -> value = binary(p, v, what, " xattr value");
                    default -> p.skipChildren();
                }
            }
            expect(p, p.currentToken(), JsonToken.END_OBJECT, what + " xattr end");
            if (name == null || value == null) {
                throw Errors.corrupt(what + " has an xattr without name or value");
            }
            out.add(new Xattr(name, value));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<BlobId> readIds(JsonParser p, JsonToken t, Object what) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            expect(p, t, JsonToken.START_ARRAY, what + " content");
        }
        List<BlobId> out = new ArrayList<>();
        JsonToken x;
        while ((x = p.nextToken()) != JsonToken.END_ARRAY) {
            out.add(id(string(p, x, what, " content"), what));
        }
        return Collections.unmodifiableList(out);
    }

    private static BlobId id(String hex, Object what) {
        if (hex.length() != 2 * BlobId.LENGTH || !Hex.isHex(hex)) {
            throw Errors.corrupt(what + ": \"" + abbreviate(hex) + "\" is not a 64-digit hex id");
        }
        return BlobId.parse(hex);
    }

    private static FileKind kind(String s, Object what) {
        for (int i = 0; i < TreeCodec.TYPE_NAMES.length; i++) {
            if (TreeCodec.TYPE_NAMES[i].equals(s)) {
                return FileKind.values()[i];
            }
        }
        throw Errors.corrupt(what + " has unknown type \"" + abbreviate(s) + "\"");
    }

    private static String string(JsonParser p, JsonToken t, Object what, String part) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw Errors.corrupt(what + part + " is not a string");
        }
        return p.getText();
    }

    private static byte[] binary(JsonParser p, JsonToken t, Object what, String part) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw Errors.corrupt(what + part + " is not a base64 string");
        }
        return p.getBinaryValue();
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw Errors.corrupt("tree blob: expected " + expected.asString() + " for " + what + " but found "
                    + (actual == null ? "the end" : actual.toString()) + " at " + p.currentLocation().getCharOffset());
        }
    }

    /** "tree blob node N", as text only when an error needs it. */
    private record Where(int node) {
        @Override
        public String toString() {
            return "tree blob node " + node;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
