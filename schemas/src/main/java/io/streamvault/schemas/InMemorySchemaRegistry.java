package io.streamvault.schemas;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry that lives in one process's memory: for TopologyTestDriver tests and tools that
 * serialize and deserialize in the same process. Not for anything that crosses processes.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, Integer> idByCanonical = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        return idByCanonical.computeIfAbsent(canonical, c -> {
            int id = byId.size() + 1;
            byId.put(id, schema);
            return id;
        });
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema s = byId.get(id);
        if (s == null) {
            throw new FatalException(ErrorCode.MALFORMED_RECORD, "no schema with id " + id + " in the in-memory registry");
        }
        return s;
    }

    @Override
    public String location() {
        return "in-memory";
    }

    @Override
    public void close() {
    }
}
