package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Vault;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import javax.crypto.AEADBadTagException;

/**
 * Small sealed documents (docs/vault-format.md, Documents): the plaintext sealed under the master
 * key with associated data {@code "document:" + kind}, so a document of one kind never opens as
 * another, and named by the SHA-256 of the stored bytes. Only the kinds in {@link #KINDS} are
 * documents; the others have formats of their own.
 */
final class Documents {
    static final Set<ObjectKind> KINDS = Set.of(ObjectKind.PLAN, ObjectKind.CAPACITY);
    private final Storage storage;
    private final MasterKey key;

    Documents(Storage storage, MasterKey key) {
        this.storage = storage;
        this.key = key;
    }

    /** How many listings a read of documents tries while documents vanish under it. */
    static final int READ_ATTEMPTS = 3;

    String write(ObjectKind kind, byte[] plaintext) {
        byte[] sealed = Aead.seal(key.aes(), aad(kind), plaintext);
        String id = Ids.sha256Hex(sealed);
        storage.putIfAbsent(kind.objectName(id), sealed);
        return id;
    }

    /**
     * Every document of a kind. One deleted between the listing and its read (a collection merging the
     * capacity history writes the merged document first, then deletes the parts) makes the whole
     * read start again from a new listing, so no record is missed: at most {@link #READ_ATTEMPTS} times.
     */
    List<Vault.Document> read(ObjectKind kind, Consumer<StreamVaultException> onError) {
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(kind, onError);
            } catch (StreamVaultException e) {
                if (e.code() != ErrorCode.OBJECT_NOT_FOUND || attempt >= READ_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private List<Vault.Document> readOnce(ObjectKind kind, Consumer<StreamVaultException> onError) {
        aad(kind);
        List<Vault.Document> out = new ArrayList<>();
        for (ObjectInfo o : storage.list(kind.prefix())) {
            String id = kind.idOf(o.name());
            String what = kind.name().toLowerCase(Locale.ROOT) + " document " + o.name() + " in " + storage.location();
            try {
                if (id == null) {
                    throw Errors.corrupt("object " + o.name() + " in " + storage.location() + " is not named "
                            + kind.prefix() + "<64 hex digits>");
                }
                byte[] stored = storage.get(o.name());
                if (!Ids.sha256Hex(stored).equals(id)) {
                    throw Errors.corrupt(what + ": content does not match its name (SHA-256)");
                }
                try {
                    out.add(new Vault.Document(id, Aead.open(key.aes(), aad(kind), stored)));
                } catch (AEADBadTagException e) {
                    throw Errors.corrupt(what + " fails authentication", e);
                }
            } catch (StreamVaultException e) {
                if (e.code() != ErrorCode.CORRUPT_OBJECT) {
                    throw e;
                }
                onError.accept(e);
            }
        }
        return out;
    }

    private static byte[] aad(ObjectKind kind) {
        if (!KINDS.contains(kind)) {
            throw Errors.invalid(kind + " objects are not documents");
        }
        return ("document:" + kind.name().toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.US_ASCII);
    }
}
