package io.streamvault.schemas.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * What a registry knows: schemas by id (with their canonical forms, to detect id collisions) and,
 * per subject, the ids registered under it in the order they were first seen (version n is the
 * n-th). Thread-safe; lookups by id do not lock.
 */
public final class SchemaStore {
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<Integer, String> canonicals = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> subjects = new TreeMap<>();
    private final String location;

    public SchemaStore(String location) {
        this.location = location;
    }

    public Schema schema(int id) {
        return schemas.get(id);
    }

    /** True when {@code id} is known with this canonical form (and a collision check passed). */
    public boolean has(int id, String canonical) {
        return canonical.equals(canonicals.get(id));
    }

    public synchronized boolean hasSubject(String subject, int id) {
        List<Integer> ids = subjects.get(subject);
        return ids != null && ids.contains(id);
    }

    /**
     * Records a schema under its id. A different schema already known under the same id is a
     * collision: a FatalException with code CONFLICT, and nothing changes.
     */
    public synchronized void addSchema(int id, Schema schema) {
        String canonical = SchemaIds.canonical(schema);
        String known = canonicals.get(id);
        if (known != null && !known.equals(canonical)) {
            throw new FatalException(ErrorCode.CONFLICT, "schema id collision in " + location + ": id " + id
                    + " belongs to " + known + " and cannot also name " + canonical
                    + "; rename a field or record of the new schema so its id changes");
        }
        if (known == null) {
            schemas.put(id, schema);
            canonicals.put(id, canonical);
        }
    }

    /** Adds {@code id} as the next version of {@code subject}, unless it already is one. */
    public synchronized void addToSubject(String subject, int id) {
        List<Integer> ids = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!ids.contains(id)) {
            ids.add(id);
        }
    }

    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    public synchronized List<Integer> subjectIds(String subject) {
        List<Integer> ids = subjects.get(subject);
        return ids == null ? List.of() : List.copyOf(ids);
    }

    /** The error for an id no one registered. */
    public FatalException unknownId(int id) {
        return new FatalException(ErrorCode.MALFORMED_RECORD, "no schema with id " + id + " in " + location);
    }
}
