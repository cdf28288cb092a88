package io.streamvault.common.config;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.UserHome;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * All StreamVault settings, declared once with type, default and documentation (Kafka's
 * {@link ConfigDef}). Settings come from {@code --config FILE}, {@code -o key=value} and the
 * command-line options that name them. Keys starting with {@code kafka.} are passed, without the
 * prefix, to every Kafka client (for example {@code kafka.security.protocol=SASL_SSL}).
 */
public final class StreamVaultConfig extends AbstractConfig {
    public static final String VAULT = "vault";
    public static final String STATE_DIR = "state.dir";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_BASIC_AUTH = "schema.registry.basic.auth.user.info";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION = "topic.replication.factor";
    public static final String INSTANCE_ID = "instance.id";
    public static final String SCANNER_THREADS = "scanner.threads";
    public static final String CHUNKER_THREADS = "chunker.threads";
    public static final String CHUNKER_SEGMENT_BYTES = "chunker.segment.bytes";
    public static final String CHUNKER_MAX_REREADS = "chunker.max.rereads";
    public static final String UPLOADER_THREADS = "uploader.threads";
    public static final String UPLOADER_PACK_BYTES = "uploader.pack.bytes";
    public static final String UPLOADER_FLUSH_MS = "uploader.flush.ms";
    public static final String UPLOADER_PACKS_IN_FLIGHT = "uploader.packs.in.flight";
    public static final String HANDOFF_BYTES = "handoff.bytes";
    public static final String SCHEDULER_REFRESH_MS = "scheduler.refresh.ms";
    public static final String COPY_CATCHUP_INTERVAL_MS = "copy.catchup.interval.ms";
    public static final String COPY_STATUS_INTERVAL_MS = "copy.status.interval.ms";
    public static final String SCHEDULER_ATTEMPTS = "scheduler.attempts";
    public static final String SCHEDULER_BACKOFF_MS = "scheduler.retry.backoff.ms";
    public static final String SCHEDULER_SETTLE_MS = "scheduler.settle.ms";
    public static final String DEDUP_THREADS = "dedup.threads";
    public static final String DEDUP_PENDING_TIMEOUT_MS = "dedup.pending.timeout.ms";
    public static final String CATALOG_THREADS = "catalog.threads";
    public static final String PROGRESS_INTERVAL_MS = "progress.interval.ms";
    public static final String CATALOG_JOB_RETENTION_MS = "catalog.job.retention.ms";
    public static final String TRANSACTION_TIMEOUT_MS = "transaction.timeout.ms";
    public static final String STREAMS_COMMIT_INTERVAL_MS = "streams.commit.interval.ms";
    public static final String STREAMS_COMMIT_QUIET_MS = "streams.commit.quiet.ms";
    public static final String CONSUMER_FETCH_WAIT_MS = "consumer.fetch.wait.ms";
    public static final String KAFKA_TIMEOUT_MS = "cluster.timeout.ms";
    public static final String RETRY_TIMEOUT_MS = "retry.timeout.ms";
    public static final String LOCK_MIN_CHANGEABLE_FOR_S = "lock.min.changeable.for.s";
    public static final String CAPACITY_RECORD_INTERVAL_MS = "capacity.record.interval.ms";
    public static final String BILLING_PRICE_PER_GB_MONTH = "billing.price.per.gb.month";
    public static final String BILLING_CURRENCY = "billing.currency";
    public static final String METRICS_REFRESH_MS = "metrics.refresh.ms";
    public static final String METRICS_CAPACITY_REFRESH_MS = "metrics.capacity.refresh.ms";

    /** Prefix of settings passed through to every Kafka client. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(VAULT, Type.STRING, "", Importance.HIGH,
                    "Vault location: file:///abs/path, a plain path, or azure://CONTAINER[/PREFIX]. "
                            + "Empty means the default local vault, ~/.streamvault/vault.")
            .define(STATE_DIR, Type.STRING, "", Importance.HIGH,
                    "Working state of this process: embedded broker data, Kafka Streams stores, instance slots. "
                            + "Empty means ~/.streamvault/state. Deleting it loses nothing the vault holds.")
            .define(BOOTSTRAP_SERVERS, Type.STRING, "", Importance.HIGH,
                    "Kafka cluster to use (host:port,...). Empty means the embedded single-node KRaft broker in the state directory.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "", Importance.MEDIUM,
                    "Confluent-API-compatible schema registry (Confluent, Karapace, Redpanda, Apicurio ccompat). "
                            + "Empty means the embedded registry, whose schemas live in a compacted Kafka topic.")
            .define(SCHEMA_REGISTRY_BASIC_AUTH, Type.PASSWORD, "", Importance.LOW,
                    "USER:PASSWORD for HTTP basic authentication to the schema registry.")
            .define(TOPIC_PREFIX, Type.STRING, "sv", Importance.LOW,
                    "First part of every topic name; topics are named PREFIX.VAULTID.NAME, so several vaults share a cluster.")
            .define(TOPIC_PARTITIONS, Type.INT, 4, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of each pipeline topic when it is created: the upper bound on workers of one role that share a job.")
            .define(TOPIC_REPLICATION, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM,
                    "Replication factor of topics StreamVault creates (3 on a production cluster).")
            .define(INSTANCE_ID, Type.STRING, "", Importance.LOW,
                    "Stable name of this worker process, used in transactional ids and per-worker statistics. "
                            + "Empty means HOSTNAME-SLOT, where SLOT is the first free slot in the state directory.")
            .define(SCANNER_THREADS, Type.INT, 2, Range.atLeast(0), Importance.MEDIUM, "Directory-listing threads of this process.")
            .define(CHUNKER_THREADS, Type.INT, 2, Range.atLeast(0), Importance.MEDIUM, "File-reading and chunking threads of this process.")
            .define(CHUNKER_SEGMENT_BYTES, Type.LONG, 64L << 20, Range.atLeast(16L << 20), Importance.LOW,
                    "Files larger than this are cut into segments that different chunkers read in parallel; a chunk never crosses a segment border.")
            .define(CHUNKER_MAX_REREADS, Type.INT, 3, Range.atLeast(0), Importance.LOW,
                    "How many times a file that changes while it is read, or before its chunks are uploaded, is read again before it is recorded as changed during backup.")
            .define(UPLOADER_THREADS, Type.INT, 2, Range.atLeast(0), Importance.MEDIUM, "Uploader consumers of this process; each fills its own packs.")
            .define(UPLOADER_PACK_BYTES, Type.INT, 16 << 20, Range.between(1 << 20, 1 << 30), Importance.MEDIUM,
                    "Target size of a pack; a pack is written when it reaches this size.")
            .define(UPLOADER_PACKS_IN_FLIGHT, Type.INT, 2, Range.between(1, 64), Importance.MEDIUM,
                    "Packs each uploader writes to the vault at once while it fills the next one; an uploader's memory is "
                            + "about (this + 1) x uploader.pack.bytes, whatever the size of the backup.")
            .define(UPLOADER_FLUSH_MS, Type.LONG, 50L, Range.atLeast(0), Importance.LOW,
                    "A pack that is not full is written anyway when no new chunk arrived for this long, or when it is this old times five.")
            .define(HANDOFF_BYTES, Type.LONG, 32L << 20, Range.between(0L, 1L << 30), Importance.LOW,
                    "Memory (off the heap) holding the bytes of chunks this process's chunkers just read, for its "
                            + "uploaders: a chunk found there is not read from its source and hashed again. It need only "
                            + "cover how far the uploaders lag behind the chunkers. Each chunk costs its bytes and 37 more "
                            + "(its id and length) there, and its index takes up to a quarter as much again on the heap "
                            + "(4 MiB at the default, at most 8 MiB). Allocated only while an uploader runs here; 0 "
                            + "turns it off.")
            .define(DEDUP_THREADS, Type.INT, 1, Range.atLeast(0), Importance.MEDIUM, "Kafka Streams threads of the dedup topology in this process.")
            .define(DEDUP_PENDING_TIMEOUT_MS, Type.LONG, 10 * 60_000L, Range.atLeast(1000), Importance.LOW,
                    "A chunk requested for upload that is not stored within this time is requested again (its uploader died).")
            .define(CATALOG_THREADS, Type.INT, 1, Range.atLeast(0), Importance.MEDIUM, "Kafka Streams threads of the catalog topology in this process.")
            .define(PROGRESS_INTERVAL_MS, Type.LONG, 1000L, Range.atLeast(100), Importance.LOW, "How often running jobs report progress.")
            .define(CATALOG_JOB_RETENTION_MS, Type.LONG, 30L * 24 * 3600_000, Range.atLeast(60_000), Importance.LOW,
                    "The catalog forgets a sealed or failed job's counters this long after the job's last record (its status stays on job-status, its snapshot in the vault).")
            .define(TRANSACTION_TIMEOUT_MS, Type.INT, 60_000, Range.atLeast(10_000), Importance.LOW,
                    "Kafka transaction timeout: the longest a worker may hold one transaction open, and how long a dead worker's open transaction blocks readers.")
            .define(STREAMS_COMMIT_INTERVAL_MS, Type.LONG, 1000L, Range.atLeast(10), Importance.LOW,
                    "The longest a busy Kafka Streams task (dedup, catalog) goes between commits. Each commit is a "
                            + "transaction, whose cost is per commit, not per record: fewer while records stream in.")
            .define(STREAMS_COMMIT_QUIET_MS, Type.LONG, 20L, Range.atLeast(0), Importance.LOW,
                    "A Kafka Streams task whose input has been quiet this long commits before its interval, so "
                            + "that what it sent is seen downstream soon (the end of a job, a small backup): within "
                            + "about 100 ms of its last record, the wait of a poll. 0 leaves it to the interval.")
            .define(CONSUMER_FETCH_WAIT_MS, Type.INT, 200, Range.between(0, 30_000), Importance.LOW,
                    "How long the broker holds a consumer's fetch while there is nothing new to read; records are "
                            + "answered as soon as they commit, so it costs no latency. Closing a consumer waits for "
                            + "its fetch in flight, so a command that runs its job itself keeps it short; an agent, "
                            + "`serve` and a following `copy` use 2000 unless this is set (their idle consumers then ask a "
                            + "tenth as often).")
            .define(KAFKA_TIMEOUT_MS, Type.INT, 15_000, Range.atLeast(1000), Importance.LOW,
                    "How long to wait for the Kafka cluster to answer before reporting it unreachable.")
            .define(RETRY_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1000), Importance.MEDIUM,
                    "A backup whose workers keep failing transiently (storage or cluster away) for this long stops with their error.")
            .define(SCHEDULER_REFRESH_MS, Type.LONG, 10_000L, Range.atLeast(100), Importance.LOW,
                    "How often an agent's scheduler reads the plans from the vault (plan commands also tell it at once).")
            .define(SCHEDULER_ATTEMPTS, Type.INT, 3, Range.between(1, 20), Importance.LOW,
                    "How many times a plan's run is tried for one slot before it is left failed.")
            .define(SCHEDULER_BACKOFF_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "The wait before a failed plan run is tried again; it doubles with each attempt.")
            .define(SCHEDULER_SETTLE_MS, Type.LONG, 2_000L, Range.atLeast(0), Importance.LOW,
                    "Continuous mode: how long after a change the run starts, so that a burst of changes is one run.")
            .define(COPY_CATCHUP_INTERVAL_MS, Type.LONG, 600_000L, Range.atLeast(1000), Importance.LOW,
                    "A copier lists both vaults this often to copy what no event announced (objects written by commands "
                            + "that ran without a cluster: lock records, keys, forgotten snapshots with --mirror-deletes).")
            .define(COPY_STATUS_INTERVAL_MS, Type.LONG, 30_000L, Range.atLeast(1000), Importance.LOW,
                    "A running copier measures how far its target is behind (listing both vaults) and publishes it on "
                            + "copy-status this often (stats and GET /copies show it).")
            .define(LOCK_MIN_CHANGEABLE_FOR_S, Type.LONG, 72L * 3600, Range.atLeast(0), Importance.LOW,
                    "The shortest cooling-off `lock set --changeable-for` accepts, in seconds (72 hours, as AWS Backup Vault "
                            + "Lock). Tests shorten it; a shorter cooling-off only makes a lock final sooner (docs/lock.md).")
            .define(CAPACITY_RECORD_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "A process that runs the catalog records the vault's capacity after the backups it seals at most this "
                            + "often, and spends at most a tenth of its time measuring: a record covers every snapshot sealed "
                            + "since the one before; a one-shot command records before it exits (docs/capacity.md).")
            .define(BILLING_PRICE_PER_GB_MONTH, Type.DOUBLE, 0.0, Range.atLeast(0), Importance.LOW,
                    "The price of storing one GB for a month, GB being 2^30 bytes as AWS and Azure count it in their "
                            + "storage prices: stats and GET /capacity multiply the stored capacity and each plan's share "
                            + "by it for a monthly estimate (0: no price).")
            .define(BILLING_CURRENCY, Type.STRING, "USD", Importance.LOW,
                    "The currency of billing.price.per.gb.month, shown beside the estimates.")
            .define(METRICS_REFRESH_MS, Type.LONG, 60_000L, Range.atLeast(1000), Importance.LOW,
                    "How often `serve` reads again what its metrics show of the cluster: the lag of copies (from copy-status) "
                            + "and the status of plans (docs/metrics.md); never at each scrape.")
            .define(METRICS_CAPACITY_REFRESH_MS, Type.LONG, 900_000L, Range.atLeast(1000), Importance.LOW,
                    "How often `serve` lists the vault for its stored-capacity metrics (docs/metrics.md); a listing reads "
                            + "every object's size, so never at each scrape.");

    public StreamVaultConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
    }

    /** Parses settings, turning Kafka's ConfigException into a clear project error. */
    public static StreamVaultConfig of(Map<?, ?> originals) {
        try {
            return new StreamVaultConfig(originals);
        } catch (ConfigException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "invalid setting: " + e.getMessage(), e);
        }
    }

    public static StreamVaultConfig defaults() {
        return of(Map.of());
    }

    /** A copy with some settings replaced. */
    public StreamVaultConfig with(Map<String, ?> overrides) {
        Map<String, Object> all = new HashMap<>(originals());
        all.putAll(overrides);
        return of(all);
    }

    public Path stateDir() {
        String s = getString(STATE_DIR);
        return s.isEmpty() ? UserHome.dir().resolve(".streamvault").resolve("state") : Path.of(s);
    }

    public boolean embeddedBroker() {
        return getString(BOOTSTRAP_SERVERS).isBlank();
    }

    /** Settings for Kafka clients given with the {@code kafka.} prefix. */
    public Properties kafkaOverrides() {
        Properties p = new Properties();
        p.putAll(originalsWithPrefix(KAFKA_PREFIX));
        return p;
    }

    /** Markdown table of every key, for docs/configuration.md. */
    public static String markdown() {
        StringBuilder b = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey k : DEFINITION.configKeys().values()) {
            Object d = k.defaultValue;
            String shown = d == null ? "" : (k.type == Type.PASSWORD ? "" : String.valueOf(d));
            b.append("| `").append(k.name).append("` | ").append(k.type.name().toLowerCase()).append(" | `")
                    .append(shown).append("` | ").append(k.documentation).append(" |\n");
        }
        return b.toString();
    }
}
