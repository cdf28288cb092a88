package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.RetryableException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries the transient failures of any backend: every call that throws a {@link RetryableException}
 * is repeated with capped exponential backoff and jitter for at most {@link Policy#budget} in all,
 * then the last failure is thrown, still retryable, with the number of attempts added. Every call
 * of the {@link Storage} contract is idempotent, so repeating one is safe; a backend makes each
 * attempt once and classifies its failure, and this class decides how long to insist.
 *
 * <p>A create-only write whose attempt failed with an unknown outcome (a timeout, a reset
 * connection) may have created the object: when a later attempt finds the object existing, its
 * bytes are compared with ours, and equal bytes mean the earlier attempt created it (true). A lost
 * response never turns a successful create into "existed", which {@code init} would take for a
 * concurrent vault.
 */
public final class RetryingStorage implements Storage {
    /**
     * How long to insist: at most {@code budget} per call, delays from {@code firstDelay} doubling up
     * to {@code maxDelay}, each half fixed and half random (equal jitter), so racing clients spread out.
     */
    public record Policy(Duration budget, Duration firstDelay, Duration maxDelay) {
        /** 30 s of retries per call, delays from 250 ms doubling up to 8 s. */
        public static Policy defaults() {
            return new Policy(Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(8));
        }
    }

    private final Storage backend;
    private final Policy policy;

    public RetryingStorage(Storage backend, Policy policy) {
        this.backend = backend;
        this.policy = policy;
    }

    /** The backend this decorates (for tests that look at what it counts). */
    public Storage backend() {
        return backend;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        return put(() -> backend.putIfAbsent(name, data), name, () -> ByteBuffer.wrap(data));
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) {
        return put(() -> backend.putIfAbsent(name, data.duplicate()), name, data::duplicate);
    }

    private boolean put(Supplier<Boolean> attempt, String name, Supplier<ByteBuffer> ours) {
        boolean[] ambiguous = {false};
        return retrying("write", name, () -> {
            try {
                boolean created = attempt.get();
                return created || ambiguous[0] && sameBytes(name, ours.get());
            } catch (RetryableException e) {
                ambiguous[0] = true;
                throw e;
            }
        });
    }

    /** After an attempt with an unknown outcome: is the existing object exactly our bytes? */
    private boolean sameBytes(String name, ByteBuffer ours) {
        Optional<ObjectInfo> info = backend.stat(name);
        if (info.isEmpty() || info.get().size() != ours.remaining()) {
            return false;
        }
        byte[] mine = new byte[ours.remaining()];
        ours.get(mine);
        return Arrays.equals(backend.get(name), mine);
    }

    @Override
    public byte[] get(String name) {
        return retrying("read", name, () -> backend.get(name));
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        return retrying("read", name, () -> backend.get(name, offset, length));
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return retrying("list", prefix + "*", () -> backend.list(prefix));
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        return retrying("stat", name, () -> backend.stat(name));
    }

    @Override
    public void delete(String name) {
        retrying("delete", name, () -> {
            backend.delete(name);
            return null;
        });
    }

    @Override
    public Optional<Instant> serviceTime() {
        return retrying("read the time of", "the service", backend::serviceTime);
    }

    /** The backend's immutability calls, each retried as the other calls are. */
    @Override
    public Optional<ImmutableStorage> immutability() {
        return backend.immutability().map(i -> new ImmutableStorage() {
            @Override
            public Support probe() {
                return retrying("probe immutability of", "the container", i::probe);
            }

            @Override
            public void protect(String name, Instant until, boolean locked) {
                retrying("set the immutability policy of", name, () -> {
                    i.protect(name, until, locked);
                    return null;
                });
            }

            @Override
            public void legalHold(String name, boolean hold) {
                retrying("set the legal hold of", name, () -> {
                    i.legalHold(name, hold);
                    return null;
                });
            }
        });
    }

    @Override
    public String location() {
        return backend.location();
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return backend.toString();
    }

    private <T> T retrying(String op, String name, Supplier<T> attempt) {
        long start = System.nanoTime();
        long deadline = start + policy.budget().toNanos();
        long delay = Math.max(1, policy.firstDelay().toMillis());
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                return attempt.get();
            } catch (RetryableException e) {
                long sleep = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
                if (System.nanoTime() + sleep * 1_000_000L > deadline) {
                    throw exhausted(e, attempts, start);
                }
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new FatalException(ErrorCode.CANCELLED, "interrupted while retrying to " + op + " object " + name
                            + " in " + location() + " (" + e.getMessage() + ")", e);
                }
                delay = Math.min(delay * 2, policy.maxDelay().toMillis());
            }
        }
    }

    private static StreamVaultException exhausted(RetryableException e, int attempts, long start) {
        if (attempts == 1) {
            return e;
        }
        return new RetryableException(e.code(), e.getMessage() + " (" + attempts + " attempts in "
                + (System.nanoTime() - start) / 1_000_000_000L + " s)", e);
    }
}
