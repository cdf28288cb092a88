package io.streamvault.vault.internal;

import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's zstd dictionary objects (docs/vault-format.md, Dictionaries): reads them on first use
 * (and again when a blob names an unknown one), stores new ones. Which one a writer uses is
 * {@link DictionaryChooser}'s business.
 */
final class Dictionaries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dictionaries.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The longest {@link #close} waits for a training under way: a process that stops must not hang on it. */
    static final long CLOSE_WAIT_MS = 10_000;

    /** One dictionary object, with zstd's prepared forms made on first use. */
    static final class Dict {
        final String name;
        final int zstdId;
        private final byte[] bytes;
        private final int level;
        private ZstdDictCompress compress;
        private ZstdDictDecompress decompress;

        Dict(String name, byte[] bytes, int level) {
            this.name = name;
            this.zstdId = DictionaryFormat.zstdId(bytes);
            this.bytes = bytes;
            this.level = level;
        }

        /** zstd's prepared dictionary; contexts that load it keep this Dict, and so it, reachable. */
        synchronized ZstdDictCompress forCompression() {
            if (compress == null) {
                try {
                    compress = new ZstdDictCompress(bytes, level);
                } catch (RuntimeException e) {
                    throw unloadable(e);
                }
            }
            return compress;
        }

        /** CORRUPT_OBJECT naming the object when zstd cannot load it (its tables are damaged). */
        synchronized ZstdDictDecompress forDecompression() {
            if (decompress == null) {
                try {
                    decompress = new ZstdDictDecompress(bytes);
                } catch (RuntimeException e) {
                    throw unloadable(e);
                }
            }
            return decompress;
        }

        private StreamVaultException unloadable(RuntimeException e) {
            return Errors.corrupt("dictionary object " + name + ": zstd cannot load it (" + e.getMessage() + ")", e);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Storage storage;
    private final SecretKey key;
    private final int level;
    final int sampleBytes;
    /** Every readable dictionary object read so far, by name (guarded by this). */
    private final Map<String, Dict> byName = new TreeMap<>();
    /** Damaged dictionary objects: name to error message (guarded by this). */
    private final Map<String, String> damaged = new TreeMap<>();
    private volatile boolean closed;
    /** Trainings under way ({@link #trainingStarted}). */
    private int training;

    /** {@code sampleBytes}: how many bytes of samples a new dictionary is trained from. */
    Dictionaries(Storage storage, SecretKey key, int level, int sampleBytes) {
        this.storage = storage;
        this.key = key;
        this.level = level;
        this.sampleBytes = sampleBytes;
    }

    /**
     * Every readable dictionary, by name, after reading the objects not read yet. A damaged one is
     * left out and its error kept for {@link #damage}; storage failures are thrown.
     */
    synchronized List<Dict> all() {
        for (ObjectInfo o : storage.list(DictionaryFormat.PREFIX)) {
            if (byName.containsKey(o.name())) {
                continue;
            }
            try {
                byName.put(o.name(), read(o.name()));
                damaged.remove(o.name());
            } catch (StreamVaultException e) {
                if (e.retryable() || (e.code() != ErrorCode.CORRUPT_OBJECT && e.code() != ErrorCode.OBJECT_NOT_FOUND)) {
                    throw e;
                }
                if (damaged.put(o.name(), e.getMessage()) == null) {
                    LOG.warn("{}; it is not used", e.getMessage());
                }
            }
        }
        return new ArrayList<>(byName.values());
    }

    /** What is wrong with the damaged dictionary objects seen so far, or "" when none is. */
    synchronized String damage() {
        return damaged.isEmpty() ? "" : " (damaged: " + String.join("; ", damaged.values()) + ")";
    }

    /** Reads and checks one dictionary object (CORRUPT_OBJECT naming it when damaged). */
    Dict read(String name) {
        byte[] bytes = DictionaryFormat.open(key, name, storage.get(name), storage.location());
        Dict d = new Dict(name, bytes, level);
        d.forDecompression(); // a dictionary zstd cannot load is damaged: named here, not when a blob needs it
        return d;
    }

    /**
     * The dictionaries whose zstd id is {@code zstdId}, normally one; reads the vault's dictionary
     * objects first if none is known (another writer may have added it). Empty when the vault has none.
     */
    List<Dict> forDecoding(long zstdId) {
        List<Dict> found = known(zstdId);
        if (found.isEmpty()) {
            all();
            found = known(zstdId);
        }
        return found;
    }

    private synchronized List<Dict> known(long zstdId) {
        List<Dict> out = new ArrayList<>(1);
        for (Dict d : byName.values()) {
            if (d.zstdId == zstdId) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * Stores a newly trained dictionary, create-only and durable, under a zstd dictionary id no
     * dictionary read so far has; null if the vault was closed meanwhile.
     */
    Dict store(byte[] trained) {
        byte[] dict;
        synchronized (this) {
            dict = DictionaryFormat.withId(trained, unusedId());
        }
        byte[] sealed = DictionaryFormat.seal(key, dict);
        String name = DictionaryFormat.PREFIX + Ids.sha256Hex(sealed);
        if (closed) {
            return null;
        }
        storage.putIfAbsent(name, sealed);
        Dict d = new Dict(name, dict, level);
        synchronized (this) {
            byName.put(name, d);
        }
        return d;
    }

    /** From 32768 to 65535: two bytes in every frame header. */
    private int unusedId() {
        while (true) {
            int id = 32768 + RANDOM.nextInt(32768);
            if (known(id).isEmpty()) {
                return id;
            }
        }
    }

    /** Names of the dictionary objects, sorted. */
    List<String> names() {
        return ObjectNames.sorted(storage, DictionaryFormat.PREFIX);
    }

    boolean closed() {
        return closed;
    }

    /** A dictionary is being trained from this process's samples (until {@link #trainingEnded}). */
    synchronized void trainingStarted() {
        training++;
    }

    synchronized void trainingEnded() {
        training--;
        notifyAll();
    }

    /**
     * Lets a training under way store its dictionary first, for up to {@link #CLOSE_WAIT_MS}: the
     * samples of a first backup of small files are gathered, and a process that ended its job while
     * the trainer ran (a one-shot command closes in a fraction of a second) would drop them, and the
     * next backup would train again. Then no dictionary is stored any more.
     */
    @Override
    public void close() {
        synchronized (this) {
            long deadline = System.nanoTime() + CLOSE_WAIT_MS * 1_000_000L;
            long left;
            while (training > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        closed = true;
    }
}
