package io.streamvault.broker.internal;

import io.streamvault.broker.LocalBroker;
import io.streamvault.broker.internal.BrokerFiles.BrokerInfo;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts or joins the broker of a state directory. Between processes the lock file decides who
 * runs it; inside this JVM (where file locks do not exclude each other) a registry of running
 * brokers does.
 */
public final class Brokers {
    private static final Logger LOG = LoggerFactory.getLogger(Brokers.class);
    private static final Map<Path, OwnedBroker> RUNNING = new ConcurrentHashMap<>();
    private static final Map<Path, Object> STARTING = new ConcurrentHashMap<>();

    private Brokers() {
    }

    public static LocalBroker acquire(Path stateDir, Duration timeout) {
        BrokerFiles files = new BrokerFiles(stateDir);
        Path key = files.dir();
        synchronized (STARTING.computeIfAbsent(key, k -> new Object())) {
            files.create();
            BrokerUsers.register(files);
            try {
                OwnedBroker mine = RUNNING.get(key);
                if (mine != null) {
                    return new JoinedBroker(mine.bootstrapServers(), "this process", files);
                }
                Optional<StateLock> lock = StateLock.tryTake(files.lock());
                if (lock.isEmpty()) {
                    return join(files, timeout);
                }
                OwnedBroker started = start(files, lock.get());
                RUNNING.put(key, started);
                return started;
            } catch (RuntimeException e) {
                BrokerUsers.release(files);
                throw e;
            }
        }
    }

    static void forget(OwnedBroker broker) {
        RUNNING.remove(broker.files().dir(), broker);
    }

    private static OwnedBroker start(BrokerFiles files, StateLock lock) {
        // What broker.json says now is about a previous owner that is gone.
        files.deleteInfo();
        KafkaNode node;
        try {
            node = KafkaNode.start(files.data(), files.lastPort());
        } catch (StreamVaultException e) {
            lock.close();
            throw e;
        } catch (RuntimeException e) {
            lock.close();
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE,
                    "the embedded broker in " + files.data() + " failed to start: " + e.getMessage(), e);
        }
        if (!Probe.answers(node.bootstrap(), Duration.ofSeconds(30))) {
            node.stop();
            lock.close();
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "the embedded broker in " + files.data()
                    + " started but does not answer at " + node.bootstrap());
        }
        files.writeInfo(BrokerInfo.ofThisProcess(node.bootstrap()));
        files.writeLastPort(node.port());
        LOG.info("embedded broker of {} runs at {}", files.dir(), node.bootstrap());
        HangingTransactions hanging;
        try {
            hanging = HangingTransactions.start(node.bootstrap());
        } catch (RuntimeException e) {
            node.stop();
            lock.close();
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "the embedded broker in " + files.data()
                    + " started but its admin client did not: " + e.getMessage(), e);
        }
        return new OwnedBroker(files, lock, node, hanging);
    }

    /**
     * Another process holds the lock: wait (up to {@code timeout}) until broker.json names a broker
     * that answers. The owner may be starting right now, so a missing or stale file is retried; it
     * may also be stopping (an agent that was idle), and when its lock comes free meanwhile this
     * process runs the broker itself.
     */
    private static LocalBroker join(BrokerFiles files, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<BrokerInfo> info = Optional.empty();
        do {
            info = files.readInfo();
            if (info.isPresent() && Probe.answers(info.get().bootstrap(), Duration.ofSeconds(2))) {
                return new JoinedBroker(info.get().bootstrap(), "process " + info.get().pid(), files);
            }
            Optional<StateLock> free = StateLock.tryTake(files.lock());
            if (free.isPresent()) {
                OwnedBroker started = start(files, free.get());
                RUNNING.put(files.dir(), started);
                return started;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        String who = info.map(i -> "process " + i.pid() + " (started " + i.started() + ") at " + i.bootstrap())
                .orElse("a process that wrote no " + files.info());
        throw new FatalException(ErrorCode.STATE_LOCKED, "the state directory " + files.dir().getParent()
                + " is locked by " + who + ", but no broker answers there within " + timeout.toMillis()
                + " ms; stop that process or use another --state-dir");
    }
}
