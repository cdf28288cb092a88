package io.streamvault.broker.internal;

import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.common.kafka.OrphanTransactions;
import io.streamvault.common.util.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the "hanging" transactions of the broker this process runs: a partition holds a transaction
 * open that its coordinator no longer has (it completed the transaction, or never knew the
 * partition was in it), so no marker will ever close it, and every read_committed reader of that
 * partition (and every fetch of a group's offsets, on {@code __consumer_offsets}) waits for ever.
 * Seen after the process that ran the broker was killed while a transaction was being committed:
 * the restarted coordinator wrote the commit as complete without the markers (DedupIT,
 * LocalBrokerIT; docs/reliability.md, "Hanging transactions after a broker crash").
 *
 * <p>Every {@link #INTERVAL} a sweep describes the producers of every partition, asks the
 * coordinator about each producer with a transaction open, and aborts (as {@code kafka-transactions.sh
 * abort} does: an abort marker written to that partition alone) an open transaction that the
 * coordinator does not cover: its state is neither ongoing nor preparing, or that partition is not
 * among its partitions. The partition is described again, and only a transaction still open at the
 * same start offset goes on: the coordinator writes a transaction's markers before it calls it
 * complete, so one that is still open after the coordinator said so is not a live one.
 *
 * <p>Its producer may be alive and believe the transaction committed (the broker restarted under a
 * worker whose commit was in flight). So its transactional id is fenced first, as
 * {@code OrphanTransactions} does: with transaction version 1, a producer of the same id and epoch
 * that began its next transaction would add that one's records to the transaction still open on the
 * partition, and the abort would take them too; once fenced, nothing more joins it (and a next
 * transaction already begun is aborted by the fence itself, everywhere). Then the partition is
 * described a third time and the transaction, still open at the same offset, is aborted there. A
 * worker whose producer is fenced goes back to its last committed offsets and does the work again
 * (a Kafka Streams task likewise), and a dead one loses nothing. A producer the coordinator cannot
 * name, and any step that fails, end nothing: the next sweep starts over.
 */
final class HangingTransactions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    /** Between sweeps; the first runs this long after the broker started. */
    static final Duration INTERVAL = Duration.ofSeconds(10);
    /** How long one admin call of a sweep may take. */
    private static final long TIMEOUT_MS = 10_000;
    private static final Set<TransactionState> COVERING = Set.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    /** A transaction a partition holds open. */
    record Open(TopicPartition partition, long producerId, short producerEpoch, long startOffset, int coordinatorEpoch) {
    }

    private final Admin admin;
    private final KafkaProps props;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("hanging-txns"));

    private HangingTransactions(Admin admin, KafkaProps props) {
        this.admin = admin;
        this.props = props;
    }

    /** Starts sweeping the broker at {@code bootstrap} in the background. */
    static HangingTransactions start(String bootstrap) {
        KafkaProps props = new KafkaProps(bootstrap, StreamVaultConfig.defaults());
        Properties p = props.admin("streamvault-hanging-txns");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));
        HangingTransactions h = new HangingTransactions(Admin.create(p), props);
        h.timer.scheduleWithFixedDelay(h::sweepQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return h;
    }

    private void sweepQuietly() {
        try {
            sweep(admin, props);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("hanging transaction sweep failed (the next one tries again): {}", e.toString());
        }
    }

    /** One sweep of the broker {@code admin} and {@code props} reach; returns the transactions it aborted. */
    static List<Open> sweep(Admin admin, KafkaProps props) throws Exception {
        List<TopicPartition> partitions = partitions(admin);
        List<Open> open = open(admin.describeProducers(partitions).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        if (open.isEmpty()) {
            return List.of();
        }
        Set<Long> producers = new HashSet<>();
        open.forEach(o -> producers.add(o.producerId()));
        Map<Long, String> ids = new HashMap<>();
        for (TransactionListing l : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producers))
                .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            ids.put(l.producerId(), l.transactionalId());
        }
        Map<Long, TransactionDescription> byProducer = new HashMap<>();
        var described = admin.describeTransactions(ids.values());
        for (String id : ids.values()) {
            try {
                TransactionDescription d = described.description(id).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                byProducer.put(d.producerId(), d);
            } catch (ExecutionException e) {
                LOG.debug("cannot describe transaction {} (its producer is left alone): {}", id, e.getCause().toString());
            }
        }
        List<Open> candidates = stillOpen(admin, hanging(open, byProducer));
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<String> fenced = new HashSet<>();
        for (Open o : candidates) {
            String id = ids.get(o.producerId());
            if (fenced.add(id)) {
                LOG.warn("partition {} holds a transaction open (producer {} epoch {}, from offset {}) that its"
                        + " coordinator no longer has ({}): fencing {}, then aborting it there, or its readers would"
                        + " wait for ever", o.partition(), o.producerId(), o.producerEpoch(), o.startOffset(),
                        describe(byProducer.get(o.producerId())), id);
                fence(props, id);
            }
        }
        List<Open> aborted = new ArrayList<>();
        for (Open o : stillOpen(admin, candidates)) {
            admin.abortTransaction(new AbortTransactionSpec(o.partition(), o.producerId(), o.producerEpoch(),
                    o.coordinatorEpoch())).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.warn("aborted the hanging transaction of producer {} on partition {}", o.producerId(), o.partition());
            aborted.add(o);
        }
        return aborted;
    }

    /** Those of {@code candidates} that their partitions, described now, still hold open as they were. */
    private static List<Open> stillOpen(Admin admin, List<Open> candidates) throws Exception {
        if (candidates.isEmpty()) {
            return candidates;
        }
        Set<TopicPartition> partitions = new HashSet<>();
        candidates.forEach(o -> partitions.add(o.partition()));
        Set<Open> now = new HashSet<>(open(admin.describeProducers(partitions).all().get(TIMEOUT_MS,
                TimeUnit.MILLISECONDS)));
        List<Open> still = new ArrayList<>();
        for (Open o : candidates) {
            if (now.contains(o)) {
                still.add(o);
            }
        }
        return still;
    }

    /** Fences the current producer of {@code transactionalId} ({@link OrphanTransactions#fence}). */
    private static void fence(KafkaProps props, String transactionalId) {
        Properties p = props.transactionalProducer(transactionalId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(TIMEOUT_MS));
        OrphanTransactions.fence(p);
        LOG.warn("fenced the producer of {}: a worker of it that is alive starts again from its last commit",
                transactionalId);
    }

    private static List<TopicPartition> partitions(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                partitions.add(new TopicPartition(d.name(), p.partition()));
            }
        }
        return partitions;
    }

    /** The transactions the partitions hold open. */
    static List<Open> open(Map<TopicPartition, PartitionProducerState> states) {
        List<Open> open = new ArrayList<>();
        states.forEach((tp, s) -> {
            for (ProducerState p : s.activeProducers()) {
                if (p.currentTransactionStartOffset().isPresent()) {
                    open.add(new Open(tp, p.producerId(), (short) p.producerEpoch(),
                            p.currentTransactionStartOffset().getAsLong(), p.coordinatorEpoch().orElse(0)));
                }
            }
        });
        return open;
    }

    /**
     * The open transactions that the coordinator's view ({@code byProducer}: the description of each
     * producer's transactional id it could name) does not cover. A producer it cannot name is left alone.
     */
    static List<Open> hanging(List<Open> open, Map<Long, TransactionDescription> byProducer) {
        List<Open> hanging = new ArrayList<>();
        for (Open o : open) {
            TransactionDescription d = byProducer.get(o.producerId());
            if (d != null && !(COVERING.contains(d.state()) && d.topicPartitions().contains(o.partition()))) {
                hanging.add(o);
            }
        }
        return hanging;
    }

    private static String describe(TransactionDescription d) {
        return d == null ? "unknown" : "its state is " + d.state() + " at epoch " + d.producerEpoch();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
