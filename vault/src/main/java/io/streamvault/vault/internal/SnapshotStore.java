package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.util.Hex;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.crypto.AEADBadTagException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot objects: deterministic writes, checked reads, listing and id resolution. A snapshot
 * object is immutable and named by the hash of its bytes, so each is read and decoded once per
 * process: a long-running agent lists the snapshots at every backup to find its parent, and would
 * otherwise read them all again each time (one GET each on Azure).
 */
final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private final Storage storage;
    private final MasterKey key;
    private final Map<String, SnapshotRef> decoded = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    SnapshotStore(Storage storage, MasterKey key) {
        this.storage = storage;
        this.key = key;
    }

    String write(Snapshot snapshot) {
        byte[] sealed = Aead.sealDeterministic(key.aes(), key.nonceKey(), SnapshotCodec.AAD,
                SnapshotCodec.encode(snapshot));
        String id = Ids.sha256Hex(sealed);
        storage.putIfAbsent(SnapshotCodec.PREFIX + id, sealed);
        return id;
    }

    SnapshotRef load(String id) {
        String full = Ids.isId(id) ? id : resolve(id);
        byte[] stored;
        try {
            stored = storage.get(SnapshotCodec.PREFIX + full);
        } catch (FatalException e) {
            if (e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                throw new FatalException(ErrorCode.SNAPSHOT_NOT_FOUND, "no snapshot " + full + " in "
                        + storage.location(), e);
            }
            throw e;
        }
        return decodeSnapshot(full, stored);
    }

    /** A snapshot listed under {@code name}: from memory when it was read before. */
    private SnapshotRef listed(String name, String id) {
        SnapshotRef known = decoded.get(id);
        return known != null ? known : decodeSnapshot(id, storage.get(name));
    }

    private SnapshotRef decodeSnapshot(String id, byte[] stored) {
        String what = "snapshot object " + SnapshotCodec.PREFIX + id + " in " + storage.location();
        if (!Ids.sha256Hex(stored).equals(id)) {
            throw Errors.corrupt(what + ": content does not match its name (SHA-256)");
        }
        byte[] plain;
        try {
            plain = Aead.open(key.aes(), SnapshotCodec.AAD, stored);
        } catch (AEADBadTagException e) {
            throw Errors.corrupt(what + " fails authentication", e);
        }
        SnapshotRef ref = new SnapshotRef(id, SnapshotCodec.decode(plain, what));
        decoded.put(id, ref);
        return ref;
    }

    private record Loaded(SnapshotRef ref, StreamVaultException error) {
    }

    List<SnapshotRef> list() {
        List<StreamVaultException> errors = new ArrayList<>();
        List<SnapshotRef> out = list(errors::add);
        if (!errors.isEmpty()) {
            StreamVaultException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
        return out;
    }

    /** Every readable snapshot, oldest first; each unreadable snapshot object goes to onError, in name order. */
    List<SnapshotRef> list(Consumer<StreamVaultException> onError) {
        List<String> names = new ArrayList<>();
        for (ObjectInfo o : storage.list(SnapshotCodec.PREFIX)) {
            names.add(o.name());
        }
        names.sort(null);
        List<Loaded> loaded = Parallel.map(names, name -> {
            String id = name.substring(SnapshotCodec.PREFIX.length());
            try {
                if (!Ids.isId(id)) {
                    throw Errors.corrupt("object " + name + " in " + storage.location()
                            + " is not a snapshot: its name is not snapshots/<64 hex digits>");
                }
                return new Loaded(listed(name, id), null);
            } catch (StreamVaultException e) {
                return new Loaded(null, e);
            }
        });
        List<SnapshotRef> out = new ArrayList<>();
        for (Loaded l : loaded) {
            if (l.error() != null) {
                onError.accept(l.error());
            } else {
                out.add(l.ref());
            }
        }
        out.sort(Comparator.comparingLong((SnapshotRef r) -> r.snapshot().timeNs()).thenComparing(SnapshotRef::id));
        return out;
    }

    /** Names an unreadable snapshot object that {@code latest} skips, once per process. */
    private void warnOnce(StreamVaultException e) {
        if (warned.add(e.getMessage())) {
            LOG.warn("skipping an unreadable snapshot object (streamvault check tells more): {}", e.getMessage());
        }
    }

    String resolve(String idPrefixOrLatest) {
        if (idPrefixOrLatest == null || idPrefixOrLatest.isEmpty()) {
            throw Errors.invalid("no snapshot id given");
        }
        String loc = storage.location();
        if (idPrefixOrLatest.equals("latest")) {
            List<SnapshotRef> all = list(this::warnOnce);
            if (all.isEmpty()) {
                throw new FatalException(ErrorCode.SNAPSHOT_NOT_FOUND, "no snapshots in " + loc);
            }
            return all.get(all.size() - 1).id();
        }
        String prefix = idPrefixOrLatest.toLowerCase(Locale.ROOT);
        if (prefix.length() > 64 || !Hex.isHex(prefix)) {
            throw new FatalException(ErrorCode.SNAPSHOT_NOT_FOUND, "no snapshot matches \"" + idPrefixOrLatest
                    + "\" in " + loc + ": give an id, a hex prefix of one, or latest");
        }
        if (prefix.length() == 64 && storage.stat(SnapshotCodec.PREFIX + prefix).isPresent()) {
            return prefix;
        }
        List<String> matches = new ArrayList<>();
        for (ObjectInfo o : storage.list(SnapshotCodec.PREFIX + prefix)) {
            String id = o.name().substring(SnapshotCodec.PREFIX.length());
            if (Ids.isId(id)) {
                matches.add(id);
            }
        }
        if (matches.isEmpty()) {
            throw new FatalException(ErrorCode.SNAPSHOT_NOT_FOUND, "no snapshot matches \"" + idPrefixOrLatest
                    + "\" in " + loc);
        }
        if (matches.size() > 1) {
            matches.sort(null);
            List<String> shown = matches.subList(0, Math.min(10, matches.size()));
            throw new FatalException(ErrorCode.AMBIGUOUS_SNAPSHOT, "\"" + idPrefixOrLatest + "\" matches "
                    + matches.size() + " snapshots in " + loc + ": " + String.join(", ", shown)
                    + (matches.size() > shown.size() ? ", ..." : ""));
        }
        return matches.get(0);
    }
}
