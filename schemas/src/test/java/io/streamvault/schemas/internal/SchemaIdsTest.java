package io.streamvault.schemas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.DirTask;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaIdsTest {
    @Test
    void idIsTheFirstFourBytesOfTheSha256OfTheCanonicalFormWithoutTheSignBit() throws Exception {
        Schema s = DirTask.getClassSchema();
        byte[] h = MessageDigest.getInstance("SHA-256")
                .digest(org.apache.avro.SchemaNormalization.toParsingForm(s).getBytes(StandardCharsets.UTF_8));
        assertEquals(ByteBuffer.wrap(h).getInt() & 0x7fffffff, SchemaIds.of(s));
        assertTrue(SchemaIds.of(s) >= 0);
    }

    @Test
    void docsAndDefaultsDoNotChangeTheIdButStructureDoes() {
        Schema a = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"x\",\"doc\":\"one\","
                + "\"fields\":[{\"name\":\"f\",\"type\":\"int\",\"default\":1}]}");
        Schema b = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"x\",\"doc\":\"two\","
                + "\"fields\":[{\"name\":\"f\",\"type\":\"int\",\"default\":2}]}");
        Schema c = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"x\","
                + "\"fields\":[{\"name\":\"f\",\"type\":\"long\"}]}");
        assertEquals(SchemaIds.of(a), SchemaIds.of(b));
        assertNotEquals(SchemaIds.of(a), SchemaIds.of(c));
        assertNotEquals(SchemaIds.of(DirTask.getClassSchema()), SchemaIds.of(ChunkRecord.getClassSchema()));
    }

    @Test
    void aCollisionIsRefusedWithAClearError() {
        Schema[] pair = Collisions.pair();
        assertEquals(SchemaIds.of(pair[0]), SchemaIds.of(pair[1]), "the canonical strings are the real PCF");
        assertNotEquals(SchemaIds.canonical(pair[0]), SchemaIds.canonical(pair[1]));

        MemorySchemaRegistry registry = new MemorySchemaRegistry();
        int id = registry.register("a-value", pair[0]);
        FatalException e = assertThrows(FatalException.class, () -> registry.register("b-value", pair[1]));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertTrue(e.getMessage().contains("collision") && e.getMessage().contains(String.valueOf(id)), e.getMessage());
        assertEquals(pair[0], registry.schemaById(id), "the first schema keeps its id");
        assertTrue(registry.subjectIds("b-value").isEmpty());
    }
}
