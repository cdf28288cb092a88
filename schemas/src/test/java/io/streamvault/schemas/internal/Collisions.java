package io.streamvault.schemas.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** Two different schemas with the same computed id, found by a birthday search (about 2^16 tries). */
public final class Collisions {
    private static Schema[] pair;

    private Collisions() {
    }

    public static synchronized Schema[] pair() {
        if (pair == null) {
            Map<Integer, Integer> seen = new HashMap<>();
            for (int i = 0; ; i++) {
                Integer before = seen.putIfAbsent(SchemaIds.ofCanonical(canonical(i)), i);
                if (before != null) {
                    pair = new Schema[] {new Schema.Parser().parse(canonical(before)),
                        new Schema.Parser().parse(canonical(i))};
                    break;
                }
            }
        }
        return pair.clone();
    }

    /** Written exactly as the Parsing Canonical Form of the schema it describes. */
    static String canonical(int i) {
        return "{\"name\":\"C\",\"type\":\"record\",\"fields\":[{\"name\":\"f" + i + "\",\"type\":\"int\"}]}";
    }
}
