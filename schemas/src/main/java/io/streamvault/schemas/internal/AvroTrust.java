package io.streamvault.schemas.internal;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to load a class named by a schema unless it is trusted, and trusts no
 * application class by default. Readers need the generated classes, so this adds (to whatever is
 * trusted already) the Avro-generated types of one package: records, enums and fixed types
 * directly in it. It extends Avro's JVM-wide setting rather than replacing Avro's model with a
 * subclass, because Avro's fast reader works only with the plain SpecificData class.
 */
final class AvroTrust {
    private static final Set<String> PACKAGES = new HashSet<>();

    private AvroTrust() {
    }

    static synchronized void trustGeneratedTypesOf(Class<?> type) {
        String pkg = type.getPackageName();
        if (!PACKAGES.add(pkg)) {
            return;
        }
        ClassSecurityPredicate generated = c -> c.getPackageName().equals(pkg)
                && (SpecificRecord.class.isAssignableFrom(c) || c.isEnum() || GenericFixed.class.isAssignableFrom(c));
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), generated));
    }
}
