package io.streamvault.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.schemas.records.Xattr;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class NodeRecordsTest {
    private static ByteBuffer b(String s) {
        return ByteBuffer.wrap(s.getBytes());
    }

    @Test
    void aCopyWithContentKeepsEveryOtherFieldInItsPlace() {
        // every field differs from its default and from the others, so a field dropped or two swapped show
        NodeRecord n = new NodeRecord(b("name"), NodeType.FILE, 0640, 11, 12, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L,
                b("target"), List.of(new Xattr(b("user.k"), b("v"))), List.of(b("old")), b("tree"), "unreadable", true);
        List<ByteBuffer> content = List.of(b("new-1"), b("new-2"));
        NodeRecord copy = NodeRecords.withContent(n, content);
        for (Schema.Field f : NodeRecord.getClassSchema().getFields()) {
            assertEquals(f.name().equals("content") ? content : n.get(f.pos()), copy.get(f.pos()), f.name());
        }
        assertEquals(List.of(b("old")), n.getContent()); // the original is left as it was
    }
}
