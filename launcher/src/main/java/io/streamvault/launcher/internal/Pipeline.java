package io.streamvault.launcher.internal;

import io.streamvault.broker.LocalBroker;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.TopicAdmin;
import io.streamvault.copier.KafkaVaultEvents;
import io.streamvault.dedup.StoreSeeder;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.SchemaRegistry;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultEvents;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * A connection of this process to the pipeline of one vault: the Kafka cluster (the embedded broker
 * of the state directory, or {@code bootstrap.servers}), the schema registry, and the vault's
 * topics, created if missing. When this call created them, the cluster holds no state for the
 * vault yet, and the dedup store is seeded from the vault's index (what {@code rebuild-index}
 * does on demand).
 */
public final class Pipeline implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Pipeline.class);
    private final StreamVaultConfig config;
    private final LocalBroker broker;
    private final KafkaProps props;
    private final Admin admin;
    private final SchemaRegistry registry;
    private final Topics topics;
    private KafkaVaultEvents announcer;
    private Vault announced;

    private Pipeline(StreamVaultConfig config, LocalBroker broker, KafkaProps props, Admin admin,
            SchemaRegistry registry, Topics topics) {
        this.config = config;
        this.broker = broker;
        this.props = props;
        this.admin = admin;
        this.registry = registry;
        this.topics = topics;
    }

    public static Pipeline connect(StreamVaultConfig config, Vault vault) {
        return connect(config, () -> vault);
    }

    /**
     * Connects to the cluster while the vault is still being opened elsewhere: the vault is asked
     * for only when the topics are named, so its key derivation and the cluster's round trips
     * overlap.
     */
    public static Pipeline connect(StreamVaultConfig config, Supplier<Vault> opening) {
        LocalBroker broker = config.embeddedBroker() ? LocalBroker.acquire(config.stateDir()) : null;
        Timing.mark("pipeline: broker acquired");
        Admin admin = null;
        SchemaRegistry registry = null;
        try {
            String bootstrap = broker != null ? broker.bootstrapServers() : config.getString(StreamVaultConfig.BOOTSTRAP_SERVERS);
            KafkaProps props = new KafkaProps(bootstrap, config);
            admin = Admin.create(props.admin("streamvault-admin-" + Hosts.hostname()));
            Duration timeout = Duration.ofMillis(config.getInt(StreamVaultConfig.KAFKA_TIMEOUT_MS));
            checkReachable(admin, bootstrap, timeout);
            Timing.mark("pipeline: cluster reached");
            registry = SchemaRegistries.open(config, props.common());
            Timing.mark("pipeline: registry opened");
            Vault vault = opening.get();
            Topics topics = new Topics(config.getString(StreamVaultConfig.TOPIC_PREFIX), vault.id(),
                    config.getInt(StreamVaultConfig.TOPIC_PARTITIONS), config.getShort(StreamVaultConfig.TOPIC_REPLICATION),
                    registry);
            Set<String> created = TopicAdmin.ensure(admin, topics.all(), timeout);
            Timing.mark("pipeline: topics ensured");
            if (created.contains(topics.chunkStored.name()) && !vault.listIndex().isEmpty()) {
                // The cluster has never seen this vault (or lost its state): tell dedup what the vault holds.
                long n = StoreSeeder.seed(props, topics, vault, c -> { });
                LOG.info("new pipeline state: {} stored chunks of the vault announced to dedup", n);
            }
            Pipeline p = new Pipeline(config, broker, props, admin, registry, topics);
            if (vault.announcingTo() == VaultEvents.NONE) {
                // Every object this process writes is announced for copies (docs/copies.md).
                p.announcer = new KafkaVaultEvents(props, topics, "streamvault-" + Hosts.hostname());
                p.announced = vault;
                vault.announceTo(p.announcer);
            }
            return p;
        } catch (RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    private static void checkReachable(Admin admin, String bootstrap, Duration timeout) {
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "cannot reach the Kafka cluster at " + bootstrap
                    + " (no answer within " + timeout.toSeconds() + " s)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FatalException(ErrorCode.CANCELLED, "interrupted", e);
        }
    }

    public StreamVaultConfig config() {
        return config;
    }

    public KafkaProps props() {
        return props;
    }

    public Admin admin() {
        return admin;
    }

    public SchemaRegistry registry() {
        return registry;
    }

    public Topics topics() {
        return topics;
    }

    /**
     * How many other live processes use the embedded broker this process runs (0 when it runs none):
     * stopping this process would take their cluster away.
     */
    /** True when this process runs the state directory's embedded broker. */
    public boolean ownsBroker() {
        return broker != null && broker.owned();
    }

    public int brokerUsersBesideMe() {
        return broker != null && broker.owned() ? LocalBroker.otherUsers(config.stateDir()) : 0;
    }

    public String bootstrap() {
        return props.bootstrap();
    }

    @Override
    public void close() {
        if (announcer != null) {
            announced.announceTo(VaultEvents.NONE);
            announcer.close();
        }
        registry.close();
        admin.close(Duration.ofSeconds(5));
        Timing.mark("pipeline: admin closed");
        if (broker != null) {
            broker.close();
            Timing.mark("pipeline: broker closed");
        }
    }
}
