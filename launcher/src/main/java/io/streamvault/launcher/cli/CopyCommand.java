package io.streamvault.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.util.Sizes;
import io.streamvault.copier.Copier;
import io.streamvault.launcher.internal.CopyRole;
import io.streamvault.launcher.internal.CopyTarget;
import io.streamvault.launcher.internal.EventsCluster;
import io.streamvault.launcher.internal.Hosts;
import io.streamvault.launcher.internal.Pipeline;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamvault copy --to URI}: a copy of the vault, kept up to date (docs/copies.md). */
@Command(name = "copy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Copy the vault to another vault (another region or account) and keep the copy up to date.")
public final class CopyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--to", required = true, paramLabel = "URI", description = "The target: a path, file:///path or"
            + " azure://CONTAINER[/PREFIX] (credentials: STREAMVAULT_COPY_AZURE_* or --to-credentials).")
    String to;
    @Option(names = "--to-credentials", paramLabel = "FILE", description = "The target's Azure variables, NAME=VALUE lines"
            + " with the plain names (AZURE_STORAGE_CONNECTION_STRING=...).")
    Path credentials;
    @Option(names = "--once", description = "Copy everything there is now, then exit.")
    boolean once;
    @Option(names = "--from-start", description = "A new copier reads the event topic from its start (default: from now;"
            + " it catches up by listing first anyway).")
    boolean fromStart;
    @Option(names = "--mirror-deletes", description = "Delete on the target the snapshots deleted on the source (never one"
            + " the target's lock protects).")
    boolean mirrorDeletes;
    @Option(names = "--status", description = "Say how far the target is behind, by listing both; copy nothing.")
    boolean status;
    @Option(names = "--events-bootstrap-servers", paramLabel = "HOST:PORT", description = "Follow the vault's events on"
            + " this cluster (a mirror of the source's cluster in the target's region).")
    String eventsBootstrap;
    @Option(names = "--events-topic", paramLabel = "NAME", description = "The event topic's name there (a mirror may"
            + " prefix it, e.g. source.streamvault.VAULT.vault-events).")
    String eventsTopic;
    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        // Following the events (neither --status nor --once), this process stays: its consumer's idle fetches
        // are the long ones.
        StreamVaultConfig config = status || once ? common.config() : common.longLivedConfig();
        try (Vault source = common.openVault(config, false);
                Vault target = source.openCopy(CopyTarget.open(to, credentials))) {
            Copier copier = new Copier(source, target, new Copier.Options(mirrorDeletes));
            if (status) {
                report(copier.lag(Instant.now()), copier.totals());
                return 0;
            }
            copier.catchUp();
            if (once) {
                report(copier.lag(Instant.now()), copier.totals());
                return 0;
            }
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            if (eventsBootstrap != null) {
                // Another region's cluster with a mirror of the events: nothing of the source's cluster is used.
                try (EventsCluster events = new EventsCluster(config, eventsBootstrap, source)) {
                    follow(events.props(), events.topics(), eventsBootstrap, copier, target, stop);
                }
            } else {
                try (Pipeline pipeline = Pipeline.connect(config, source)) {
                    follow(pipeline.props(), pipeline.topics(), pipeline.bootstrap(), copier, target, stop);
                }
            }
            report(copier.lag(Instant.now()), copier.totals());
        }
        return 0;
    }

    private void follow(KafkaProps props, Topics topics, String bootstrap, Copier copier, Vault target,
            CountDownLatch stop) {
        String topic = eventsTopic != null ? eventsTopic : topics.vaultEvents.name();
        System.err.println("streamvault: copying to " + target.location() + ", following " + topic + " on " + bootstrap);
        CopyRole.follow(props.config(), props, topics, topic, copier, target, "streamvault-" + Hosts.hostname(), fromStart,
                () -> stop.getCount() == 0);
    }

    private void report(Copier.Lag lag, Copier.Totals t) {
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("objects_copied", t.objects());
            o.put("bytes_copied", t.bytes());
            o.put("snapshots_completed", t.snapshots());
            o.put("deletes_mirrored", t.deletesMirrored());
            o.put("deletes_refused", t.deletesRefused());
            ObjectNode l = o.putObject("lag");
            l.put("objects", lag.objects());
            l.put("bytes", lag.bytes());
            l.put("snapshots", lag.snapshots());
            l.put("seconds", lag.seconds());
            l.put("newest_copied", lag.newestCopied());
            System.out.println(o);
            return;
        }
        if (!status) {
            System.out.printf("copied %d objects (%s), %d snapshots complete on the target%s%n", t.objects(),
                    Sizes.bytes(t.bytes()), t.snapshots(), t.deletesMirrored() + t.deletesRefused() == 0 ? ""
                            : "; " + t.deletesMirrored() + " deletions mirrored, " + t.deletesRefused() + " refused by the target's lock");
        }
        System.out.printf("behind: %d objects (%s), %d snapshots%s%n", lag.objects(), Sizes.bytes(lag.bytes()),
                lag.snapshots(), lag.snapshots() == 0 ? "" : ", the oldest sealed " + lag.seconds() + " s ago");
    }
}
