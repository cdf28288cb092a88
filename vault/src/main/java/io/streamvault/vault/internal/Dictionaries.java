package io.streamvault.vault.internal;

import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdDictTrainer;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's zstd dictionaries for small DATA blobs (docs/vault-format.md, Dictionaries).
 *
 * <p>Writers compress DATA blobs of up to {@link #MAX_BLOB} bytes with the dictionary object of the
 * smallest name. A vault without one gets one: the first {@link #SAMPLE_BYTES} of small blobs this
 * process encodes are copied as samples (and compressed without a dictionary), a background thread
 * trains a dictionary from them, stores it create-only, and only then hands it to the encoders, so
 * the dictionary is durable before any blob that needs it. Readers load every dictionary object
 * and pick by the zstd dictionary id in the blob's frame header; after each start the objects are
 * read on first use.
 *
 * <p>{@code STREAMVAULT_ZSTD_DICT=0} stops this process from training or using a dictionary for new
 * blobs (reading is unaffected).
 */
final class Dictionaries implements AutoCloseable {
    /** Blobs up to this size are compressed with the dictionary. */
    static final int MAX_BLOB = 64 << 10;
    /** Bytes of samples a dictionary is trained from. */
    static final int SAMPLE_BYTES = 4 << 20;
    /** The size of a trained dictionary (zstd's default). */
    static final int DICT_SIZE = 112 << 10;
    static final boolean ENABLED = !"0".equals(System.getenv("STREAMVAULT_ZSTD_DICT"));
    private static final Logger LOG = LoggerFactory.getLogger(Dictionaries.class);
    /** How long a failed listing of dicts/ keeps encoders from asking again. */
    private static final long RETRY_NS = 10_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

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

        synchronized ZstdDictCompress forCompression() {
            if (compress == null) {
                compress = new ZstdDictCompress(bytes, level);
            }
            return compress;
        }

        synchronized ZstdDictDecompress forDecompression() {
            if (decompress == null) {
                decompress = new ZstdDictDecompress(bytes);
            }
            return decompress;
        }

        // zstd's prepared dictionaries free their native memory when collected; contexts that still
        // refer to one keep it reachable through Compressor.dict / Decompressor.dict.
    }

    private final Storage storage;
    private final SecretKey key;
    private final int level;
    private final int sampleBytes;
    /** Every dictionary object read so far, by name (guarded by this). */
    private final Map<String, Dict> byName = new TreeMap<>();
    /** Damaged dictionary objects: name to error message (guarded by this). */
    private final Map<String, String> damaged = new TreeMap<>();
    private volatile Dict current;
    private volatile boolean loaded;
    private long loadFailedAt;
    /** Samples being collected; null when not sampling (guarded by this). */
    private ZstdDictTrainer trainer;
    private boolean trainingStarted;
    private volatile boolean closed;

    Dictionaries(Storage storage, SecretKey key, int level, int sampleBytes) {
        this.storage = storage;
        this.key = key;
        this.level = level;
        this.sampleBytes = sampleBytes;
    }

    /** True when a blob of this type and size is compressed with a dictionary if there is one. */
    static boolean eligible(BlobType type, int len) {
        return ENABLED && type == BlobType.DATA && len <= MAX_BLOB;
    }

    /**
     * The dictionary to compress an eligible blob with, or null: none yet (the blob may be kept as a
     * training sample), or the vault's dictionaries cannot be listed just now.
     */
    Dict forEncoding(byte[] buf, int off, int len) {
        Dict d = current;
        if (d != null || !ready()) {
            return d;
        }
        synchronized (this) {
            if (trainer != null && !trainer.addSample(Arrays.copyOfRange(buf, off, off + len))) {
                startTraining();
            }
        }
        return current;
    }

    /** {@link #forEncoding(byte[], int, int)} for {@code buf}'s bytes at absolute indexes. */
    Dict forEncoding(ByteBuffer buf, int off, int len) {
        Dict d = current;
        if (d != null || !ready() || !sampling()) {
            return d;
        }
        byte[] copy = new byte[len];
        buf.get(off, copy);
        return forEncoding(copy, 0, len);
    }

    private synchronized boolean sampling() {
        return trainer != null;
    }

    /** Lists and reads dicts/ once (again after a failure, at most every 10 s); false until done. */
    private boolean ready() {
        if (loaded) {
            return true;
        }
        synchronized (this) {
            if (loaded || closed || (loadFailedAt != 0 && System.nanoTime() - loadFailedAt < RETRY_NS)) {
                return loaded;
            }
            try {
                load();
            } catch (StreamVaultException e) {
                loadFailedAt = System.nanoTime();
                LOG.warn("cannot read the vault's zstd dictionaries now; small blobs are compressed without one: {}",
                        e.getMessage());
                return false;
            }
            current = byName.values().stream().findFirst().orElse(null);
            if (current == null && trainer == null && !trainingStarted) {
                trainer = new ZstdDictTrainer(sampleBytes, DICT_SIZE);
            }
            loaded = true;
            return true;
        }
    }

    /**
     * Reads every dictionary object not read yet. A damaged one is skipped (and so never chosen) and
     * its error kept for {@link #damage}; storage failures are thrown.
     */
    private synchronized void load() {
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
    }

    /** What is wrong with the damaged dictionary objects seen so far, or "" when none is. */
    synchronized String damage() {
        return damaged.isEmpty() ? "" : " (damaged: " + String.join("; ", damaged.values()) + ")";
    }

    /** Reads and checks one dictionary object (CORRUPT_OBJECT naming it when damaged). */
    Dict read(String name) {
        byte[] bytes = DictionaryFormat.open(key, name, storage.get(name), storage.location());
        return new Dict(name, bytes, level);
    }

    /**
     * The dictionaries whose zstd id is {@code zstdId}, normally one; looks in the vault again if none
     * is known (another writer may have added it). Empty when the vault has none.
     */
    List<Dict> forDecoding(long zstdId) {
        List<Dict> found = known(zstdId);
        if (found.isEmpty()) {
            load();
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

    /** Trains on the samples on a background thread; encoders keep going without a dictionary. */
    private void startTraining() {
        ZstdDictTrainer samples = trainer;
        trainer = null;
        trainingStarted = true;
        Thread t = new Thread(() -> train(samples), "vault-dictionary-trainer");
        t.setDaemon(true);
        t.start();
    }

    private void train(ZstdDictTrainer samples) {
        try {
            long start = System.nanoTime();
            byte[] trained = samples.trainSamples();
            byte[] dict;
            synchronized (this) {
                dict = DictionaryFormat.withId(trained, unusedId());
            }
            byte[] sealed = DictionaryFormat.seal(key, dict);
            String name = DictionaryFormat.PREFIX + Ids.sha256Hex(sealed);
            if (closed) {
                return;
            }
            storage.putIfAbsent(name, sealed); // durable before any blob uses it
            Dict d = new Dict(name, dict, level);
            synchronized (this) {
                byName.put(name, d);
            }
            current = d;
            LOG.info("trained zstd dictionary {} ({} bytes) in {} ms", name, dict.length,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("no zstd dictionary for small blobs in this process: {}", e.toString());
            }
        }
    }

    /** A zstd dictionary id no dictionary read so far has, from 32768 to 65535 (two bytes in a frame). */
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
        List<String> out = new ArrayList<>();
        for (ObjectInfo o : storage.list(DictionaryFormat.PREFIX)) {
            out.add(o.name());
        }
        out.sort(null);
        return out;
    }

    @Override
    public void close() {
        closed = true;
    }
}
