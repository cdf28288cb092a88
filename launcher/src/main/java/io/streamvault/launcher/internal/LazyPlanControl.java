package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.plans.PlanControl;
import io.streamvault.plans.PlanRun;
import io.streamvault.scheduler.KafkaPlanControl;
import io.streamvault.vault.Vault;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;

/**
 * The way of a long-running process ({@code serve}) to the schedulers: a {@link KafkaPlanControl}
 * over the vault's pipeline, connected on first use rather than at start, so the process starts
 * without a broker. A call that fails drops the connection and the next one connects again (the
 * broker may have moved or restarted meanwhile); a broker that does not answer is
 * {@link ErrorCode#BROKER_UNREACHABLE}.
 */
public final class LazyPlanControl implements PlanControl {
    private final StreamVaultConfig config;
    private final Vault vault;
    private Pipeline pipeline;
    private KafkaPlanControl control;
    private boolean closed;

    public LazyPlanControl(StreamVaultConfig config, Vault vault) {
        this.config = config;
        this.vault = vault;
    }

    @Override
    public List<PlanRun> runs(String plan, int limit) {
        return call(c -> c.runs(plan, limit));
    }

    @Override
    public String requestRun(String plan) {
        return call(c -> c.requestRun(plan));
    }

    @Override
    public void changed(String plan) {
        call(c -> {
            c.changed(plan);
            return null;
        });
    }

    private <T> T call(Function<KafkaPlanControl, T> f) {
        KafkaPlanControl c = connected();
        try {
            return f.apply(c);
        } catch (KafkaException e) {
            disconnect(c);
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "the schedulers could not be reached over the vault's"
                    + " Kafka pipeline: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            disconnect(c);
            throw e;
        }
    }

    private synchronized KafkaPlanControl connected() {
        if (closed) {
            throw new FatalException(ErrorCode.CANCELLED, "the server is closing");
        }
        if (control == null) {
            Pipeline p = Pipeline.connect(config, vault);
            pipeline = p;
            control = new KafkaPlanControl(p.props(), p.topics(), "streamvault-serve-" + Hosts.hostname());
        }
        return control;
    }

    /** Drops {@code c}, unless another call has replaced it already. */
    private synchronized void disconnect(KafkaPlanControl c) {
        if (control == c) {
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            control.close();
        } catch (StreamVaultException | KafkaException e) {
            // closing anyway
        } finally {
            pipeline.close();
            control = null;
            pipeline = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (control != null) {
            closeConnection();
        }
    }
}
