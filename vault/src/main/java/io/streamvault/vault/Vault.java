package io.streamvault.vault;

import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.internal.VaultImpl;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An open vault: the key is unlocked, objects can be read and written. Thread-safe unless a
 * method says otherwise. See docs/vault-format.md for the format.
 */
public interface Vault extends AutoCloseable {

    /** True when the storage holds a vault config object. */
    static boolean exists(Storage storage) {
        return VaultImpl.exists(storage);
    }

    /**
     * Creates a vault: config, a random master key, and one key object sealing it under the
     * password. Fails with VAULT_EXISTS if a config object exists.
     */
    static Vault init(Storage storage, char[] password, VaultOptions options) {
        return VaultImpl.init(storage, password, options);
    }

    /**
     * Starts loading, on a background thread, what opening a vault needs first (the native crypto
     * library, the JSON codec), so that a command's own start-up overlaps it. Optional: opening
     * works without it, and waits for it when it is still running.
     */
    static void prepareInBackground() {
        VaultImpl.prepareInBackground();
    }

    /** Opens a vault; VAULT_NOT_INITIALIZED if there is none, WRONG_PASSWORD if no key opens. */
    static Vault open(Storage storage, char[] password) {
        return VaultImpl.open(storage, password);
    }

    String id();

    VaultConfig config();

    /** Where the vault lives, for messages ({@code file:///srv/vault}, {@code azure://backups/x}). */
    String location();

    /**
     * The objects of one kind with their sizes, sorted by id, and the names under the kind's prefix
     * that are not of its form.
     */
    VaultListing list(ObjectKind kind);

    /** The object of this kind and id with its size, or empty when it does not exist. */
    Optional<VaultObject> stat(ObjectKind kind, String id);

    /**
     * Deletes one object: the only way anything leaves a vault. Every deletion path (forget, garbage
     * collection and its merging of capacity records, key removal) comes through here, and so through
     * the backup lock's one check (docs/lock.md): a snapshot whose retention has not passed or that is
     * held is refused with SNAPSHOT_LOCKED naming it and its retain-until time; a key while the vault
     * lock is on or any snapshot is locked, with VAULT_LOCKED; lock records always. Packs, index
     * objects, dictionaries and capacity records are not checked here: garbage collection keeps everything a listed snapshot reaches, and a locked
     * snapshot stays listed. The config is never deleted (INVALID_ARGUMENT); deleting a missing object
     * is not an error.
     */
    void delete(ObjectKind kind, String id);

    /**
     * {@link #delete(ObjectKind, String)}, lifting a governance retention (never a compliance one or a
     * legal hold) when {@code bypassGovernance} and this vault's key holds the bypass right (FORBIDDEN
     * otherwise); the lifting is recorded as a lock record.
     */
    void delete(ObjectKind kind, String id, boolean bypassGovernance);

    /** The backup lock: vault lock, retentions, legal holds. */
    Locks locks();

    /** The id of the key object that opened this vault. */
    String keyId();

    /**
     * Bytes of a pack holding {@code blobs} blob records of {@code recordBytes} in all: the records,
     * the sealed header and its length (so {@code check} can tell a truncated pack from its index).
     */
    static long packSize(int blobs, long recordBytes) {
        return VaultImpl.packSize(blobs, recordBytes);
    }

    /** A new keyed-id function (HMAC-SHA-256 under the chunk-id key). */
    ChunkHasher newHasher();

    /** Compresses (when it helps) and encrypts a blob. Thread-safe; call from many threads. */
    EncodedBlob encode(BlobType type, BlobId id, byte[] buf, int off, int len);

    PackBuilder newPack();

    /** Seals the pack (header, hash) and stores it create-only under data/. */
    PackInfo writePack(PackBuilder pack);

    /** Writes one index object recording these packs; returns its name. */
    String writeIndex(List<PackInfo> packs);

    /** Names of every index object, sorted. */
    List<String> listIndex();

    /**
     * Every entry of one index object (checked: name, authentication, structure), for readers that
     * keep only part of the index or load it incrementally.
     */
    void readIndex(String name, Consumer<BlobLocation> sink);

    /**
     * The blobs a pack's own header lists, read from the pack's tail with ranged reads (for checks
     * and index rebuilds): OBJECT_NOT_FOUND if the pack is missing, CORRUPT_OBJECT if its header fails
     * authentication or disagrees with the pack's size.
     */
    List<PackEntry> readPackHeader(String packId);

    /** Reads and merges every index object; a damaged one fails the load (CORRUPT_OBJECT naming it). */
    MasterIndex loadIndex();

    /**
     * Reads and merges every index object that can be read, for readers that can do without the
     * blobs a damaged one lists (a restore, the HTTP server): each index object that fails its name,
     * authentication or format is handed to {@code onDamaged} (CORRUPT_OBJECT naming it), in name
     * order, and skipped. A storage failure still fails the load. The index's
     * {@link MasterIndex#indexObjects()} names the skipped objects too (they were seen, and are not
     * worth reloading for). Never for deciding what is garbage: what a skipped object lists looks
     * unindexed.
     */
    MasterIndex loadIndex(Consumer<StreamVaultException> onDamaged);

    /**
     * For a check's report: as {@link #loadIndex(Consumer)}, with the name of each index object handed
     * over, and every one that cannot be read handed over (corrupt, of an unsupported format, or still
     * missing after the third listing), not only the damaged ones.
     */
    MasterIndex loadIndexNamed(BiConsumer<String, StreamVaultException> onUnreadable);

    /**
     * Reads one blob with a ranged read, decrypts, decompresses, and checks that its keyed id is
     * the expected one; CORRUPT_OBJECT (naming the pack) otherwise.
     */
    byte[] readBlob(BlobLocation location);

    /**
     * The blob's sealed record as stored, after checking it as {@link #readBlob} does (it
     * authenticates, decompresses and has the expected keyed id): garbage collection copies live
     * blobs into new packs byte for byte with {@link PackBuilder#add(EncodedBlob)}.
     */
    EncodedBlob readRecord(BlobLocation location);

    /**
     * {@link #readRecord} for blobs of one pack, with one ranged read of the span they cover (a
     * repack of a pack of many small blobs reads it once, not once per blob).
     */
    List<EncodedBlob> readRecords(List<BlobLocation> locations);

    /** Names of the zstd dictionary objects (dicts/), sorted. */
    List<String> listDictionaries();

    /**
     * Reads and checks one dictionary object: its SHA-256 matches its name, it authenticates, it is a
     * zstd dictionary. CORRUPT_OBJECT naming it otherwise, OBJECT_NOT_FOUND if it is missing.
     */
    void readDictionary(String name);

    /**
     * Reads and checks one key object ({@code keys/<id>}): its SHA-256 matches its id and it is a
     * key object with sane parameters. Whether it opens with some password cannot be told without
     * that password. CORRUPT_OBJECT naming it otherwise, OBJECT_NOT_FOUND if it is missing.
     */
    void readKey(String id);

    /** Serializes a tree (canonical, so equal trees have equal ids). */
    byte[] encodeTree(Tree tree);

    Tree decodeTree(byte[] plaintext);

    /**
     * Writes a snapshot object. Its encryption is deterministic, so writing the same snapshot twice
     * yields the same object and id: sealing may be retried safely. Returns the id.
     */
    String writeSnapshot(Snapshot snapshot);

    /**
     * All snapshots, oldest first. Unreadable snapshot objects are reported, not skipped silently:
     * the first one is thrown (CORRUPT_OBJECT naming it, the others attached as suppressed). Use
     * {@link #listSnapshots(Consumer)} to list the readable ones anyway.
     */
    List<SnapshotRef> listSnapshots();

    /**
     * Every readable snapshot, oldest first; each snapshot object that cannot be read or decrypted is
     * handed to {@code onError} (normally CORRUPT_OBJECT naming it) instead of hiding the others.
     */
    List<SnapshotRef> listSnapshots(Consumer<StreamVaultException> onError);

    SnapshotRef loadSnapshot(String id);

    /**
     * An id, a unique id prefix, or {@code latest} to the full id; SNAPSHOT_NOT_FOUND or
     * AMBIGUOUS_SNAPSHOT otherwise. {@code latest} is the newest readable snapshot: an unreadable
     * snapshot object is skipped with a warning naming it.
     */
    String resolveSnapshot(String idPrefixOrLatest);

    /**
     * The stored bytes of an object, as they are (encrypted): what a copy writes elsewhere. Checked
     * against the object's name (its SHA-256): CORRUPT_OBJECT when they differ, OBJECT_NOT_FOUND when
     * it is gone. Not for {@link ObjectKind#CONFIG}.
     */
    byte[] readObject(ObjectKind kind, String id);

    /**
     * Writes an object's stored bytes as another vault holds them (a copy), create-only, after checking
     * them against the id (their SHA-256). Returns true when this call created it. Not for
     * {@link ObjectKind#CONFIG}: {@link #openCopy} writes that.
     */
    boolean writeObject(ObjectKind kind, String id, byte[] stored);

    /**
     * This vault's copy on {@code target}: makes the target the same vault (copies the key objects, then
     * the config, create-only; VAULT_EXISTS when the target holds another vault) and opens it with this
     * vault's master key. The copy then opens with every password this one does.
     */
    Vault openCopy(Storage target);

    /**
     * From now on, tells {@code events} of every object this vault writes or deletes (null or
     * {@link VaultEvents#NONE}: no one). See docs/copies.md.
     */
    void announceTo(VaultEvents events);

    /** Who is told of this vault's writes ({@link VaultEvents#NONE}: no one). */
    VaultEvents announcingTo();

    /**
     * Writes a small document of {@code kind} ({@link ObjectKind#PLAN} or {@link ObjectKind#CAPACITY}): the bytes sealed under
     * the master key, named by the SHA-256 of what is stored, create-only. Returns its id.
     */
    String writeDocument(ObjectKind kind, byte[] plaintext);

    /**
     * Every document of {@code kind}, by id; one that cannot be read or authenticated is handed to
     * {@code onError} (CORRUPT_OBJECT naming it) and left out.
     */
    List<Document> readDocuments(ObjectKind kind, Consumer<StreamVaultException> onError);

    /** A document as {@link #readDocuments} returns it. */
    record Document(String id, byte[] plaintext) {
    }

    /** Adds a key object sealing the master key under another password. Returns its name. */
    String addKey(char[] password);

    /** Releases the vault's compression contexts and pooled memory, and closes its storage. */
    @Override
    void close();
}
