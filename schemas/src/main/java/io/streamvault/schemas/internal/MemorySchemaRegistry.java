package io.streamvault.schemas.internal;

import io.streamvault.schemas.SchemaRegistry;
import java.util.List;
import org.apache.avro.Schema;

/** A registry in this process's memory, with the embedded registry's ids. For tests and one-process tools. */
public final class MemorySchemaRegistry implements SchemaRegistry {
    private final SchemaStore store = new SchemaStore(location());

    @Override
    public int register(String subject, Schema schema) {
        int id = SchemaIds.of(schema);
        store.addSchema(id, schema);
        store.addToSubject(subject, id);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema s = store.schema(id);
        if (s == null) {
            throw store.unknownId(id);
        }
        return s;
    }

    @Override
    public List<String> subjects() {
        return store.subjects();
    }

    @Override
    public List<Integer> subjectIds(String subject) {
        return store.subjectIds(subject);
    }

    @Override
    public String location() {
        return "the in-memory schema registry";
    }

    @Override
    public void close() {
    }
}
