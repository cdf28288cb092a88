package io.streamvault.launcher.internal;

import io.streamvault.common.StreamVaultException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.server.JobView;
import io.streamvault.vault.Vault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup jobs of the vault's pipeline as {@code serve} shows them ({@code GET /jobs}): a
 * consumer of the topics {@code jobs} and {@code job-status} that, from its first use on, follows
 * them in the background (from {@link #LOOKBACK} ago) and keeps the latest status of the
 * {@link #KEEP} newest jobs. Like the lag of copies, a process of the embedded broker shows none
 * while no agent runs there: the broker is never started just to look, and the watch stops when
 * the agents do (the next request looks again). Every {@link #HEALTH} it asks the cluster for the
 * topics' ends; when that fails (a broker gone, or moved to another port) it connects again after
 * {@link #RETRY}.
 */
public final class JobWatch implements Supplier<List<JobView>>, AutoCloseable {
    /** Jobs kept, the newest by start. */
    static final int KEEP = 200;
    /** How far back the {@code jobs} topic is read at the start. */
    static final Duration LOOKBACK = Duration.ofDays(2);
    /** How long a request waits for the first read to reach the end of the topics. */
    static final Duration FIRST_READ = Duration.ofSeconds(5);
    static final Duration RETRY = Duration.ofSeconds(10);
    /** How often the connection is checked while the topics are quiet. */
    static final Duration HEALTH = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(JobWatch.class);

    private final StreamVaultConfig config;
    private final Vault vault;
    private final Map<String, JobStarted> jobs = new HashMap<>();
    private final Map<String, JobStatus> statuses = new HashMap<>();
    private volatile CountDownLatch caughtUp = new CountDownLatch(1);
    private Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;

    public JobWatch(StreamVaultConfig config, Vault vault) {
        this.config = config;
        this.vault = vault;
    }

    @Override
    public List<JobView> get() {
        if (!started()) {
            return List.of();
        }
        try {
            caughtUp.await(FIRST_READ.toMillis(), TimeUnit.MILLISECONDS); // only the first request of a watch waits
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JobView> out = new ArrayList<>();
        synchronized (this) {
            jobs.forEach((id, j) -> out.add(JobViews.of(id, j, statuses.get(id))));
            statuses.forEach((id, s) -> {
                if (!jobs.containsKey(id)) {
                    out.add(JobViews.of(id, null, s));
                }
            });
        }
        out.sort(Comparator.comparing(JobView::started).reversed());
        return out.size() > KEEP ? List.copyOf(out.subList(0, KEEP)) : out;
    }

    /** Starts following the topics, unless they cannot be there: true when it follows them. */
    private synchronized boolean started() {
        if (thread != null) {
            return true;
        }
        if (closed || noCluster()) {
            return false;
        }
        caughtUp = new CountDownLatch(1);
        thread = new Thread(this::follow, "sv-job-watch");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    /** The embedded broker of the state directory, and no agent running it. */
    private boolean noCluster() {
        return config.embeddedBroker() && AgentLink.sockets(config.stateDir()).isEmpty();
    }

    private void follow() {
        try {
            followWhileThere();
        } finally {
            synchronized (this) {
                thread = null;
                caughtUp.countDown();
            }
        }
    }

    private void followWhileThere() {
        while (!closed && !noCluster()) {
            try (Pipeline pipeline = Pipeline.connect(config, vault);
                    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(pipeline.props().consumer(null,
                            "streamvault-serve-jobs-" + Hosts.hostname(), 2000))) {
                consumer = c;
                if (!read(pipeline.topics(), c)) {
                    return;
                }
            } catch (StreamVaultException | KafkaException e) {
                if (closed) {
                    return;
                }
                LOG.warn("following the backup jobs failed, again in {} s: {}", RETRY.toSeconds(), e.getMessage());
                caughtUp.countDown(); // requests answer what is known rather than wait
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            } finally {
                consumer = null;
            }
        }
    }

    /** Follows the topics until closed (true) or the agents are gone (false); a lost cluster throws. */
    private boolean read(Topics t, KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> all = new ArrayList<>(partitions(c, t.jobs.name()));
        all.addAll(partitions(c, t.jobStatus.name()));
        c.assign(all);
        Map<TopicPartition, Long> since = new HashMap<>();
        all.forEach(tp -> since.put(tp, System.currentTimeMillis() - LOOKBACK.toMillis()));
        Map<TopicPartition, OffsetAndTimestamp> at = c.offsetsForTimes(since);
        for (TopicPartition tp : all) {
            OffsetAndTimestamp o = at.get(tp);
            if (o == null) {
                c.seekToEnd(List.of(tp));
            } else {
                c.seek(tp, o.offset());
            }
        }
        Map<TopicPartition, Long> ends = c.endOffsets(all);
        Deserializer<JobStarted> jobReader = t.jobs.valueSerde().deserializer();
        Deserializer<JobStatus> statusReader = t.jobStatus.valueSerde().deserializer();
        long checked = System.nanoTime();
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    take(r, t, jobReader, statusReader);
                }
                if (caughtUp.getCount() > 0 && all.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) {
                    caughtUp.countDown();
                }
                if (System.nanoTime() - checked > HEALTH.toNanos()) {
                    if (noCluster()) {
                        return false;
                    }
                    c.endOffsets(all, HEALTH); // a consumer polls a lost broker without a word: this throws
                    checked = System.nanoTime();
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        }
        return true;
    }

    private void take(ConsumerRecord<byte[], byte[]> r, Topics t, Deserializer<JobStarted> jobReader,
            Deserializer<JobStatus> statusReader) {
        if (r.value() == null) {
            return;
        }
        try {
            synchronized (this) {
                if (r.topic().equals(t.jobs.name())) {
                    JobStarted j = jobReader.deserialize(r.topic(), r.value());
                    jobs.put(j.getJob(), j);
                    if (jobs.size() > KEEP) { // the partitions arrive one after another: drop the oldest start
                        String oldest = jobs.values().stream().min(Comparator.comparingLong(JobStarted::getTimeNs))
                                .orElseThrow().getJob();
                        jobs.remove(oldest);
                        statuses.remove(oldest);
                    }
                } else {
                    JobStatus s = statusReader.deserialize(r.topic(), r.value());
                    statuses.put(s.getJob(), s);
                    if (statuses.size() > 2 * KEEP) { // statuses of jobs not kept: drop the least recent
                        statuses.values().stream().filter(x -> !jobs.containsKey(x.getJob()))
                                .min(Comparator.comparingLong(JobStatus::getTimeMs))
                                .ifPresent(x -> statuses.remove(x.getJob()));
                    }
                }
            }
        } catch (SerializationException e) {
            // a record this version cannot read is not shown
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(topic)) {
            out.add(new TopicPartition(topic, p.partition()));
        }
        return out;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
