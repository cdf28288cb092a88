package io.streamvault.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A storage whose service clock the test sets: retention decisions read the storage service's clock,
 * so moving it forward is how a test lets a retention pass.
 */
public class ClockedStorage extends ForwardingStorage {
    private volatile Instant now;

    public ClockedStorage(Storage s, Instant now) {
        super(s);
        this.now = now;
    }

    public Instant now() {
        return now;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public Optional<Instant> serviceTime() {
        return Optional.of(now);
    }
}
