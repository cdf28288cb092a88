package io.streamvault.launcher.internal;

import io.streamvault.common.StreamVaultException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.plans.PlanControl;
import io.streamvault.scheduler.KafkaPlanControl;
import io.streamvault.vault.Vault;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;

/** A plan command's way to the schedulers: the vault's pipeline and its {@code plan-runs} topic. */
public final class PlanLink {
    private PlanLink() {
    }

    /** Runs {@code f} with a control connected to the cluster. */
    public static <T> T with(StreamVaultConfig config, Vault vault, Function<PlanControl, T> f) {
        try (Pipeline pipeline = Pipeline.connect(config, vault);
                KafkaPlanControl control = new KafkaPlanControl(pipeline.props(), pipeline.topics(),
                        "streamvault-plan-" + Hosts.hostname())) {
            return f.apply(control);
        }
    }

    /**
     * Tells the plan's scheduler that the plan changed; returns null, or why it could not (the
     * agents then read the change from the vault within {@code scheduler.refresh.ms}).
     */
    public static String notifyChanged(StreamVaultConfig config, Vault vault, String plan) {
        if (config.embeddedBroker() && AgentLink.sockets(config.stateDir()).isEmpty()) {
            return "no agent runs on this state directory"; // starting its broker only to say so would be waste
        }
        try {
            with(config, vault, c -> {
                c.changed(plan);
                return null;
            });
            return null;
        } catch (StreamVaultException | KafkaException e) {
            return e.getMessage();
        }
    }
}
