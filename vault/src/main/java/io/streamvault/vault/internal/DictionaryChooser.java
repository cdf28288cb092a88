package io.streamvault.vault.internal;

import com.github.luben.zstd.ZstdDictTrainer;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.internal.Dictionaries.Dict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which dictionary a writer compresses small DATA blobs with, judged by how much each saves on the
 * data this process actually writes (docs/vault-format.md, Dictionaries). A dictionary trained on
 * other data can make small files larger than none at all, so nothing is taken on trust:
 *
 * <ul>
 *   <li><b>Trial</b>: the first {@link #TRIAL_BLOBS} compressible small blobs are compressed with
 *       each of the vault's dictionaries (up to {@link #MAX_TRIED}) as well as without one (and
 *       stored without). The best is used if it saves at least {@link #MIN_SAVING_PERCENT}%
 *       against none.
 *   <li><b>Training</b>: otherwise (or when the vault has none) the trial's blobs and the next ones
 *       are kept as samples up to {@code sampleBytes}, a background thread trains a dictionary from
 *       them, stores it (durable before any blob uses it) and it is used from then on.
 *   <li><b>Watch</b>: every {@link #WATCH_EVERY}th compressible small blob is compressed without the
 *       dictionary too; when over {@link #WINDOW} such blobs it saves less than
 *       {@link #MIN_SAVING_PERCENT}%, the data has changed: a new trial, without it. A dictionary
 *       just taken into use (trained, or chosen by a trial) is watched more closely, every
 *       {@link #PROBATION_EVERY}th blob, until its first window has passed: one trained from
 *       samples gathered slowly from other data is dropped after a few hundred blobs, not a
 *       thousand.
 * </ul>
 *
 * A process trains at most {@link #MAX_TRAININGS} dictionaries, then compresses without one.
 * Blobs count as compressible when zstd alone shrinks them by 10%; random or already compressed
 * files are neither samples nor evidence. {@code STREAMVAULT_ZSTD_DICT=0} turns it all off.
 */
final class DictionaryChooser {
    static final boolean ENABLED = !"0".equals(System.getenv("STREAMVAULT_ZSTD_DICT"));
    /** Blobs up to this size are compressed with a dictionary. */
    static final int MAX_BLOB = 64 << 10;
    /** Bytes of samples a dictionary is trained from. */
    static final int SAMPLE_BYTES = 4 << 20;
    /** The size of a trained dictionary (zstd's default). */
    static final int DICT_SIZE = 112 << 10;
    static final int TRIAL_BLOBS = 64;
    static final int WATCH_EVERY = 32;
    static final int PROBATION_EVERY = 4;
    static final int WINDOW = 32;
    static final int MIN_SAVING_PERCENT = 2;
    static final int MAX_TRAININGS = 4;
    /** Dictionaries compared in one trial: each costs a compression per trial blob and zstd's tables. */
    static final int MAX_TRIED = 8;
    private static final Logger LOG = LoggerFactory.getLogger(DictionaryChooser.class);
    /** How long a failed listing of dicts/ keeps encoders from asking again. */
    private static final long RETRY_NS = 10_000_000_000L;

    /** Compressed length of the blob at hand with a dictionary (null: none); -1 when not shorter. */
    interface Trial {
        int size(Dict dict);
    }

    /**
     * What to do with one blob: compress it with {@code dict} (null: none); when {@code plain} is not
     * negative, report the result to {@link #after} (it is being watched); when {@code sample}, offer
     * the blob as a sample there.
     */
    record Choice(Dict dict, int plain, boolean sample) {
        static final Choice NONE = new Choice(null, -1, false);
        static final Choice SAMPLE = new Choice(null, -1, true);
    }

    private enum Mode { TRIAL, SAMPLE, TRAINING, USE, OFF }

    private record State(Mode mode, Dict use, List<Dict> trying, Choice choice, boolean probation) {
        State(Mode mode, Dict use, List<Dict> trying, Choice choice) {
            this(mode, use, trying, choice, false);
        }

        static State of(Mode mode) {
            return new State(mode, null, List.of(), mode == Mode.TRIAL || mode == Mode.SAMPLE ? Choice.SAMPLE
                    : Choice.NONE);
        }

        static State using(Dict d, boolean probation) {
            return new State(Mode.USE, d, List.of(), new Choice(d, -1, false), probation);
        }
    }

    private final Dictionaries dicts;
    private volatile State state;
    private final AtomicLong seen = new AtomicLong();
    // guarded by this
    private long loadFailedAt;
    private ZstdDictTrainer trainer;
    private int trainings;
    private boolean samplesFull;
    private long trialPlain;
    private long[] trialSizes = new long[0];
    private int trialBlobs;
    private long watchPlain;
    private long watchUsed;
    private int watchBlobs;

    DictionaryChooser(Dictionaries dicts) {
        this.dicts = dicts;
    }

    /** True when a blob of this type and size is compressed with a dictionary if there is a good one. */
    static boolean eligible(BlobType type, int len) {
        return ENABLED && type == BlobType.DATA && len <= MAX_BLOB;
    }

    private static boolean compressible(int clen, int len) {
        return clen >= 0 && clen <= len - len / 10;
    }

    /** The choice for an eligible blob of {@code len} bytes; may compress it on trial first. */
    Choice choose(int len, Trial trial) {
        State s = state;
        if (s == null && (s = start()) == null) {
            return Choice.NONE;
        }
        switch (s.mode) {
            case USE:
                if (seen.incrementAndGet() % (s.probation ? PROBATION_EVERY : WATCH_EVERY) != 0) {
                    return s.choice;
                }
                int plain = trial.size(null);
                return compressible(plain, len) ? new Choice(s.use, plain, false) : s.choice;
            case TRIAL:
                int none = trial.size(null);
                if (compressible(none, len)) {
                    long[] sizes = new long[s.trying.size()];
                    for (int i = 0; i < sizes.length; i++) {
                        int n = trial.size(s.trying.get(i));
                        sizes[i] = n < 0 ? len : n;
                    }
                    tried(s, none, sizes);
                }
                return s.choice;
            default:
                return s.choice;
        }
    }

    /**
     * Reports how a blob compressed ({@code clen}, -1 when not shorter) for the watch, or offers it
     * as a sample ({@code copy} makes the copy only then).
     */
    void after(Choice c, int len, int clen, Supplier<byte[]> copy) {
        if (c.plain() >= 0) {
            watched(c.dict(), c.plain(), clen < 0 ? len : clen);
        } else if (c.sample() && compressible(clen, len) && sampling()) {
            addSample(copy.get());
        }
    }

    /** Reads the vault's dictionaries (again after a failure, at most every 10 s) and starts a trial. */
    private synchronized State start() {
        if (state != null || dicts.closed() || (loadFailedAt != 0 && System.nanoTime() - loadFailedAt < RETRY_NS)) {
            return state;
        }
        List<Dict> all;
        try {
            all = dicts.all();
        } catch (StreamVaultException e) {
            loadFailedAt = System.nanoTime();
            LOG.warn("cannot read the vault's zstd dictionaries now; small blobs are compressed without one: {}",
                    e.getMessage());
            return null;
        }
        trial(all, null);
        return state;
    }

    /**
     * A new trial of these dictionaries, but {@code not} (at most {@link #MAX_TRIED}, chosen at random
     * when there are more), collecting samples meanwhile.
     */
    private void trial(List<Dict> candidates, Dict not) {
        List<Dict> trying = new ArrayList<>(candidates);
        trying.remove(not);
        if (trying.size() > MAX_TRIED) {
            Collections.shuffle(trying);
            trying = trying.subList(0, MAX_TRIED);
        }
        trainer = trainings < MAX_TRAININGS ? new ZstdDictTrainer(dicts.sampleBytes, DICT_SIZE) : null;
        samplesFull = false;
        trialPlain = 0;
        trialSizes = new long[trying.size()];
        trialBlobs = 0;
        if (!trying.isEmpty()) {
            state = new State(Mode.TRIAL, null, List.copyOf(trying), Choice.SAMPLE);
        } else {
            state = State.of(trainer != null ? Mode.SAMPLE : Mode.OFF);
        }
    }

    private synchronized void tried(State s, int plain, long[] sizes) {
        if (state != s) {
            return;
        }
        trialPlain += plain;
        int best = 0;
        for (int i = 0; i < sizes.length; i++) {
            trialSizes[i] += sizes[i];
            best = trialSizes[i] < trialSizes[best] ? i : best;
        }
        if (++trialBlobs < TRIAL_BLOBS) {
            return;
        }
        if (saves(trialSizes[best], trialPlain)) {
            trainer = null;
            use(s.trying.get(best), true);
            return;
        }
        LOG.info("none of the vault's {} zstd dictionaries saves {}% on these small blobs; training one",
                s.trying.size(), MIN_SAVING_PERCENT);
        state = State.of(trainer != null ? Mode.SAMPLE : Mode.OFF);
        if (samplesFull) {
            startTraining();
        }
    }

    /** Uses {@code d} from now on; {@code probation}: watched closely until its first window passes. */
    private void use(Dict d, boolean probation) {
        watchPlain = 0;
        watchUsed = 0;
        watchBlobs = 0;
        state = State.using(d, probation);
    }

    private static boolean saves(long used, long plain) {
        return used * 100 <= plain * (100 - MIN_SAVING_PERCENT);
    }

    private synchronized void watched(Dict d, int plain, int used) {
        State s = state;
        if (s.mode != Mode.USE || s.use != d) {
            return;
        }
        watchPlain += plain;
        watchUsed += used;
        if (++watchBlobs < WINDOW) {
            return;
        }
        if (saves(watchUsed, watchPlain)) {
            use(d, false);
            return;
        }
        LOG.info("zstd dictionary {} saves less than {}% on the latest small blobs ({} bytes against {}); "
                + "trying others", d.name, MIN_SAVING_PERCENT, watchUsed, watchPlain);
        List<Dict> all;
        try {
            all = dicts.all();
        } catch (StreamVaultException e) {
            all = List.of();
        }
        trial(all, d);
    }

    /** True while samples are being collected. */
    synchronized boolean sampling() {
        return trainer != null && (state.mode == Mode.TRIAL || state.mode == Mode.SAMPLE);
    }

    private synchronized void addSample(byte[] sample) {
        if (!sampling() || samplesFull || trainer.addSample(sample)) {
            return;
        }
        samplesFull = true;
        if (state.mode == Mode.SAMPLE) {
            startTraining(); // on trial, training waits for the verdict
        }
    }

    private void startTraining() {
        ZstdDictTrainer samples = trainer;
        trainer = null;
        trainings++;
        State training = State.of(Mode.TRAINING);
        state = training;
        dicts.trainingStarted();
        Thread t = new Thread(() -> {
            try {
                train(samples, training);
            } finally {
                dicts.trainingEnded();
            }
        }, "vault-dictionary-trainer");
        t.setDaemon(true);
        t.start();
    }

    /** On the trainer thread: train, store (durable first), then use. */
    private void train(ZstdDictTrainer samples, State training) {
        Dict d = null;
        try {
            long start = System.nanoTime();
            d = dicts.store(samples.trainSamples());
            if (d != null) {
                LOG.info("trained zstd dictionary {} in {} ms", d.name, (System.nanoTime() - start) / 1_000_000);
            }
        } catch (RuntimeException e) {
            if (!dicts.closed()) {
                LOG.warn("no zstd dictionary for small blobs in this process: {}", e.toString());
            }
        }
        synchronized (this) {
            if (state == training) {
                if (d != null) {
                    use(d, true);
                } else {
                    state = State.of(Mode.OFF);
                }
            }
        }
    }
}
