package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ChunkHasher;
import io.streamvault.vault.EncodedBlob;
import io.streamvault.vault.Locks;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storage;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultConfig;
import io.streamvault.vault.VaultEvents;
import io.streamvault.vault.VaultListing;
import io.streamvault.vault.VaultObject;
import io.streamvault.vault.VaultOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.crypto.AEADBadTagException;

/**
 * An open vault. See docs/vault-format.md. It owns the storage it was opened on: closing it
 * releases compression contexts and closes the storage.
 */
public final class VaultImpl implements Vault {
    private final Storage storage;
    private final VaultConfig config;
    private final MasterKey key;
    private final int kdfN;
    private final Dictionaries dicts;
    private final BlobCodec blobs;
    private final SnapshotStore snapshots;
    private final PackPool packs = new PackPool();
    private final LocksImpl locks;
    private final Documents documents;
    private final AnnouncingStorage announcing;

    private VaultImpl(Storage backend, VaultConfig config, MasterKey key, int kdfN, String keyId) {
        AnnouncingStorage storage = new AnnouncingStorage(backend);
        this.announcing = storage;
        this.storage = storage;
        this.config = config;
        this.key = key;
        this.kdfN = kdfN;
        this.dicts = new Dictionaries(storage, key.aes(), config.compressionLevel(), DictionaryChooser.SAMPLE_BYTES);
        this.blobs = new BlobCodec(key, config.compressionLevel(), dicts);
        this.snapshots = new SnapshotStore(storage, key);
        this.locks = new LocksImpl(storage, key, keyId, snapshots::load);
        this.documents = new Documents(storage, key);
    }

    public static boolean exists(Storage storage) {
        return VaultOpener.exists(storage);
    }

    public static Vault init(Storage storage, char[] password, VaultOptions options) {
        return VaultOpener.init(storage, password, options);
    }

    /** See {@link Vault#prepareInBackground()}; class initialization makes a concurrent open wait for it. */
    public static void prepareInBackground() {
        Thread t = new Thread(() -> {
            for (String c : new String[] {"NativeKdf", "NativeGcm", "NativeHmac", "Json"}) {
                try {
                    Class.forName(VaultImpl.class.getPackageName() + "." + c, true, VaultImpl.class.getClassLoader());
                } catch (Throwable e) {
                    return; // opening the vault reports what is wrong
                }
            }
        }, "vault-prepare");
        t.setDaemon(true);
        t.start();
    }

    public static Vault open(Storage storage, char[] password) {
        return VaultOpener.open(storage, password);
    }

    static VaultImpl create(Storage storage, VaultConfig config, MasterKey key, int kdfN, String keyId) {
        return new VaultImpl(storage, config, key, kdfN, keyId);
    }

    @Override
    public String id() {
        return config.id();
    }

    @Override
    public VaultConfig config() {
        return config;
    }

    @Override
    public String location() {
        return storage.location();
    }

    @Override
    public VaultListing list(ObjectKind kind) {
        List<VaultObject> objects = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (ObjectInfo o : storage.list(kind.prefix())) {
            String id = kind.idOf(o.name());
            if (id == null) {
                foreign.add(o.name());
            } else {
                objects.add(new VaultObject(kind, id, o.size()));
            }
        }
        objects.sort(Comparator.comparing(VaultObject::id));
        foreign.sort(null);
        return new VaultListing(objects, foreign);
    }

    @Override
    public Optional<VaultObject> stat(ObjectKind kind, String id) {
        if (kind != ObjectKind.CONFIG) {
            requireId(id, kind.name().toLowerCase(Locale.ROOT) + " id");
        }
        return storage.stat(kind.objectName(id)).map(o -> new VaultObject(kind, id, o.size()));
    }

    @Override
    public void delete(ObjectKind kind, String id) {
        delete(kind, id, false);
    }

    @Override
    public void delete(ObjectKind kind, String id, boolean bypassGovernance) {
        if (kind == ObjectKind.CONFIG) {
            throw Errors.invalid("the config of " + storage.location() + " is never deleted");
        }
        if (kind == ObjectKind.LOCK) {
            throw new FatalException(ErrorCode.VAULT_LOCKED, "lock records are never deleted (" + storage.location() + ")");
        }
        requireId(id, kind.name().toLowerCase(Locale.ROOT) + " id");
        if (kind == ObjectKind.SNAPSHOT) {
            locks.checkDeleteSnapshot(id, bypassGovernance);
        } else if (kind == ObjectKind.KEY) {
            if (list(ObjectKind.KEY).objects().size() <= 1) {
                throw Errors.invalid("key " + id + " is the vault's last key");
            }
            locks.checkDeleteKey(id, snapshots.list());
        }
        storage.delete(kind.objectName(id));
    }

    @Override
    public Locks locks() {
        return locks;
    }

    @Override
    public String keyId() {
        return locks.keyId();
    }

    /** See {@link Vault#packSize}. */
    public static long packSize(int blobs, long recordBytes) {
        return PackFormat.size(blobs, recordBytes);
    }

    @Override
    public ChunkHasher newHasher() {
        return new HmacHasher(key.chunkIdKey());
    }

    @Override
    public EncodedBlob encode(BlobType type, BlobId id, byte[] buf, int off, int len) {
        return blobs.encode(type, id, buf, off, len);
    }

    @Override
    public PackBuilder newPack() {
        return new PackBuilderImpl(this, blobs, packs);
    }

    @Override
    public PackInfo writePack(PackBuilder pack) {
        if (!(pack instanceof PackBuilderImpl b) || b.owner() != this) {
            throw Errors.invalid("pack builder does not belong to this vault; use newPack()");
        }
        PackInfo info = b.seal(key.aes());
        if (!b.isWritten()) {
            storage.putIfAbsent(PackFormat.objectName(info.id()), b.sealedBuffer());
            b.written();
        }
        return info;
    }

    /** The blobs a pack's own header lists, read from the pack's tail (for checks and index rebuilds). */
    public List<PackEntry> readPackHeader(String packId) {
        requireId(packId, "pack id");
        String name = PackFormat.objectName(packId);
        String what = "pack " + packId + " in " + storage.location();
        long size = storage.stat(name).orElseThrow(() -> new FatalException(ErrorCode.OBJECT_NOT_FOUND,
                what + " not found")).size();
        if (size < 4 + Aead.OVERHEAD + 4) {
            throw Errors.corrupt(what + " has only " + size + " bytes");
        }
        long hlen = LittleEndian.getU32(storage.get(name, size - 4, 4), 0);
        if (hlen < Aead.OVERHEAD + 4 || hlen > size - 4) {
            throw Errors.corrupt(what + " ends with an impossible header length " + hlen);
        }
        byte[] sealed = storage.get(name, size - 4 - hlen, (int) hlen);
        byte[] header;
        try {
            header = Aead.open(key.aes(), PackFormat.HEADER_AAD, sealed);
        } catch (AEADBadTagException e) {
            throw Errors.corrupt(what + ": header fails authentication", e);
        }
        return PackFormat.decodeHeader(header, size - 4 - hlen, what);
    }

    @Override
    public String writeIndex(List<PackInfo> packs) {
        if (packs == null || packs.isEmpty()) {
            throw Errors.invalid("an index object records at least one pack");
        }
        byte[] sealed = Aead.seal(key.aes(), IndexFormat.AAD, blobs.compress(IndexFormat.encode(packs)));
        String name = IndexFormat.PREFIX + Ids.sha256Hex(sealed);
        storage.putIfAbsent(name, sealed);
        return name;
    }

    private record IndexData(String name, byte[] plain, long count, StreamVaultException damage) {
    }

    /**
     * Reads and merges every index object. An object listed but gone when read (a garbage collection
     * replaced it meanwhile with a consolidated one, written before the old ones are deleted) makes
     * it list again, up to three times.
     */
    @Override
    public MasterIndex loadIndex() {
        return load(null, false);
    }

    @Override
    public MasterIndex loadIndex(Consumer<StreamVaultException> onDamaged) {
        return load(onDamaged == null ? null : (name, e) -> onDamaged.accept(e), false);
    }

    @Override
    public MasterIndex loadIndexNamed(BiConsumer<String, StreamVaultException> onUnreadable) {
        return load(onUnreadable, true);
    }

    private MasterIndex load(BiConsumer<String, StreamVaultException> onDamaged, boolean everyUnreadable) {
        for (int attempt = 1;; attempt++) {
            try {
                return loadIndexOnce(onDamaged, everyUnreadable, everyUnreadable && attempt == 3);
            } catch (FatalException e) {
                if (e.code() != ErrorCode.OBJECT_NOT_FOUND || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * One load; {@code onDamaged} null: a damaged object fails it. {@code orUnsupported}: an object of a
     * format this version does not read counts as damaged too; {@code orMissing}: one that is missing.
     */
    private MasterIndex loadIndexOnce(BiConsumer<String, StreamVaultException> onDamaged, boolean orUnsupported,
            boolean orMissing) {
        List<String> names = listIndex();
        List<IndexData> parts = Parallel.map(names, name -> {
            try {
                return readIndex(name);
            } catch (StreamVaultException e) {
                boolean damaged = e.code() == ErrorCode.CORRUPT_OBJECT
                        || !e.retryable() && (orUnsupported && e.code() == ErrorCode.UNSUPPORTED
                                || orMissing && e.code() == ErrorCode.OBJECT_NOT_FOUND);
                if (onDamaged == null || !damaged) {
                    throw e;
                }
                return new IndexData(name, null, 0, e);
            }
        });
        long total = 0;
        for (IndexData d : parts) {
            total += d.count();
        }
        CompactIndex.Builder b = new CompactIndex.Builder(total);
        for (int i = 0; i < parts.size(); i++) {
            IndexData d = parts.get(i);
            if (d.damage() != null) {
                onDamaged.accept(d.name(), d.damage());
            } else {
                IndexFormat.fill(d.plain(), b);
            }
            parts.set(i, null);
        }
        return b.build(names);
    }

    @Override
    public List<String> listIndex() {
        return ObjectNames.sorted(storage, IndexFormat.PREFIX);
    }

    @Override
    public void readIndex(String name, Consumer<BlobLocation> sink) {
        IndexFormat.forEach(readIndex(name).plain(), sink);
    }

    private IndexData readIndex(String name) {
        String what = "index object " + name + " in " + storage.location();
        String id = name.substring(IndexFormat.PREFIX.length());
        if (!Ids.isId(id)) {
            throw Errors.corrupt(what + ": name is not index/<64 hex digits>");
        }
        byte[] stored = storage.get(name);
        if (!Ids.sha256Hex(stored).equals(id)) {
            throw Errors.corrupt(what + ": content does not match its name (SHA-256)");
        }
        byte[] compressed;
        try {
            compressed = Aead.open(key.aes(), IndexFormat.AAD, stored);
        } catch (AEADBadTagException e) {
            throw Errors.corrupt(what + " fails authentication", e);
        }
        byte[] plain = blobs.decompress(compressed, 0, compressed.length, IndexFormat.MAX_PLAINTEXT, what);
        return new IndexData(name, plain, IndexFormat.validate(plain, what), null);
    }

    @Override
    public EncodedBlob readRecord(BlobLocation location) {
        byte[] stored = readStored(location);
        blobs.decode(location, stored);
        return new EncodedBlob(location.type(), location.id(), stored, location.rawLength());
    }

    @Override
    public List<EncodedBlob> readRecords(List<BlobLocation> locations) {
        if (locations.isEmpty()) {
            return List.of();
        }
        String pack = locations.get(0).pack();
        long from = Long.MAX_VALUE;
        long to = 0;
        for (BlobLocation l : locations) {
            if (!l.pack().equals(pack)) {
                throw Errors.invalid("readRecords reads blobs of one pack, not " + pack + " and " + l.pack());
            }
            from = Math.min(from, l.offset());
            to = Math.max(to, l.offset() + l.length());
        }
        if (to - from > Integer.MAX_VALUE - 8) {
            throw Errors.invalid("blobs of pack " + pack + " span " + (to - from) + " bytes");
        }
        requireId(pack, "pack id");
        byte[] span = storage.get(PackFormat.objectName(pack), from, (int) (to - from));
        List<EncodedBlob> out = new ArrayList<>(locations.size());
        for (BlobLocation l : locations) {
            int at = (int) (l.offset() - from);
            byte[] stored = Arrays.copyOfRange(span, at, at + l.length());
            blobs.decode(l, stored);
            out.add(new EncodedBlob(l.type(), l.id(), stored, l.rawLength()));
        }
        return out;
    }

    @Override
    public byte[] readBlob(BlobLocation location) {
        return blobs.decode(location, readStored(location));
    }

    private byte[] readStored(BlobLocation location) {
        if (location == null || location.id() == null || location.type() == null) {
            throw Errors.invalid("blob location needs an id and a type");
        }
        requireId(location.pack(), "pack id");
        String blob = location.type().name().toLowerCase(Locale.ROOT) + " blob " + location.id();
        if (location.length() < BlobCodec.MIN_RECORD || location.offset() < 0) {
            throw Errors.corrupt(blob + " in pack " + location.pack() + ": impossible offset " + location.offset()
                    + " or length " + location.length());
        }
        byte[] stored;
        try {
            stored = storage.get(PackFormat.objectName(location.pack()), location.offset(), location.length());
        } catch (FatalException e) {
            if (e.code() == ErrorCode.CORRUPT_OBJECT || e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                throw new FatalException(e.code(), blob + " in pack " + location.pack() + ": " + e.getMessage(), e);
            }
            throw e;
        }
        return stored;
    }

    @Override
    public List<String> listDictionaries() {
        return dicts.names();
    }

    @Override
    public void readDictionary(String name) {
        dicts.read(name);
    }

    @Override
    public void readKey(String id) {
        requireId(id, "key id");
        String name = KeyFile.PREFIX + id;
        byte[] stored = storage.get(name);
        if (!Ids.sha256Hex(stored).equals(id)) {
            throw Errors.corrupt("key object " + name + " in " + storage.location() + ": content does not match its"
                    + " name (SHA-256)");
        }
        KeyFile.parse(name, stored, storage.location());
    }

    @Override
    public byte[] encodeTree(Tree tree) {
        return TreeCodec.encode(tree);
    }

    @Override
    public Tree decodeTree(byte[] plaintext) {
        return TreeDecoder.decode(plaintext);
    }

    @Override
    public String writeSnapshot(Snapshot snapshot) {
        return snapshots.write(locks.stamp(snapshot));
    }

    @Override
    public SnapshotRef loadSnapshot(String id) {
        return snapshots.load(id);
    }

    @Override
    public List<SnapshotRef> listSnapshots() {
        return snapshots.list();
    }

    /** Every readable snapshot, oldest first; each unreadable snapshot object goes to onError, in name order. */
    @Override
    public List<SnapshotRef> listSnapshots(Consumer<StreamVaultException> onError) {
        return snapshots.list(onError);
    }

    @Override
    public String resolveSnapshot(String idPrefixOrLatest) {
        return snapshots.resolve(idPrefixOrLatest);
    }

    @Override
    public byte[] readObject(ObjectKind kind, String id) {
        requireCopyable(kind, id);
        byte[] b = storage.get(kind.objectName(id));
        if (!Ids.sha256Hex(b).equals(id)) {
            throw Errors.corrupt(kind.objectName(id) + " in " + storage.location() + ": content does not match its name"
                    + " (SHA-256)");
        }
        return b;
    }

    @Override
    public boolean writeObject(ObjectKind kind, String id, byte[] stored) {
        requireCopyable(kind, id);
        if (!Ids.sha256Hex(stored).equals(id)) {
            throw Errors.corrupt("the bytes given for " + kind.objectName(id) + " do not match its name (SHA-256)");
        }
        return storage.putIfAbsent(kind.objectName(id), stored);
    }

    private static void requireCopyable(ObjectKind kind, String id) {
        if (kind == ObjectKind.CONFIG) {
            throw Errors.invalid("the config is copied by openCopy, not as an object");
        }
        if (!ObjectKind.isId(id)) {
            throw Errors.invalid(kind.name().toLowerCase(Locale.ROOT) + " id is not 64 lower-case hex digits: " + id);
        }
    }

    @Override
    public Vault openCopy(Storage target) {
        byte[] cfg = storage.get(ConfigFile.NAME);
        if (target.stat(ConfigFile.NAME).isPresent() && !Arrays.equals(target.get(ConfigFile.NAME), cfg)) {
            throw new FatalException(ErrorCode.VAULT_EXISTS, target.location() + " holds another vault, not a copy of "
                    + storage.location());
        }
        // Keys first: a target with a config is a vault, and a vault needs a key that opens it.
        for (ObjectInfo k : storage.list(KeyFile.PREFIX)) {
            if (target.stat(k.name()).isEmpty()) {
                target.putIfAbsent(k.name(), storage.get(k.name()));
            }
        }
        target.putIfAbsent(ConfigFile.NAME, cfg);
        return new VaultImpl(target, config, key, kdfN, keyId());
    }

    @Override
    public void announceTo(VaultEvents events) {
        announcing.announceTo(events);
    }

    @Override
    public VaultEvents announcingTo() {
        return announcing.events();
    }

    @Override
    public String writeDocument(ObjectKind kind, byte[] plaintext) {
        return documents.write(kind, plaintext);
    }

    @Override
    public List<Document> readDocuments(ObjectKind kind, Consumer<StreamVaultException> onError) {
        return documents.read(kind, onError);
    }

    @Override
    public String addKey(char[] password) {
        VaultOpener.requirePassword(password);
        byte[] keyObject = KeyFile.create(key, password, kdfN);
        String name = KeyFile.PREFIX + Ids.sha256Hex(keyObject);
        storage.putIfAbsent(name, keyObject);
        return name;
    }

    @Override
    public void close() {
        dicts.close();
        blobs.close();
        packs.close();
        storage.close();
    }

    private static void requireId(String id, String what) {
        if (!Ids.isId(id)) {
            throw Errors.invalid(what + " \"" + id + "\" is not 64 lower-case hex digits");
        }
    }
}
