package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.GcCoordinator;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.GcAction;
import io.streamvault.schemas.records.GcControl;
import io.streamvault.schemas.records.GcControlAction;
import io.streamvault.schemas.records.GcReply;
import io.streamvault.schemas.records.GcReplyKind;
import io.streamvault.schemas.records.GcRequest;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.vault.BlobId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GcCoordinator} over Kafka: orders go to the catalog on {@code gc-control} and to
 * dedup on {@code gc-requests}, answers come back on {@code gc-replies}, and the barrier reads
 * {@code jobs} and {@code job-status} (docs/gc.md). Every order is sent in a transaction of the
 * vault's maintenance producer, whose transactional id is the same for every collector and for the
 * dedup seeder of the vault: starting one fences the one before.
 */
public final class KafkaGcCoordinator implements GcCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGcCoordinator.class);
    /** Chunk ids per forget request: 32 bytes each, well below Kafka's 1 MiB record limit. */
    static final int IDS_PER_REQUEST = 8192;
    private final Topics topics;
    private final Pipeline pipeline;
    private final Duration answerTimeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> replies;
    private final int chunkPartitions;
    private final int jobPartitions;
    private boolean initialized;
    private EarlierJobs ahead;
    private String aheadRun;

    /**
     * @param answerTimeout how long to wait for every catalog and dedup task to answer before giving
     *     up (they answer within seconds when the roles run; the command starts them when no agent does)
     */
    public KafkaGcCoordinator(Pipeline pipeline, Duration answerTimeout) {
        this.pipeline = pipeline;
        this.topics = pipeline.topics();
        this.answerTimeout = answerTimeout;
        this.producer = new KafkaProducer<>(pipeline.props().transactionalProducer(topics.maintenanceTransactionalId()));
        this.replies = new KafkaConsumer<>(pipeline.props().reader(topics.groupId("gc.replies"), 500));
        TopicPartition tp = new TopicPartition(topics.gcReplies.name(), 0);
        replies.assign(List.of(tp));
        replies.seekToEnd(List.of(tp));
        replies.position(tp); // fixed now: no answer to what is sent from here on is missed
        this.chunkPartitions = producer.partitionsFor(topics.gcRequests.name()).size();
        this.jobPartitions = producer.partitionsFor(topics.gcControl.name()).size();
    }


    /** Makes the transactional producer ready (fencing any earlier collector), ahead of the first run. */
    public synchronized void ready() {
        if (!initialized) {
            producer.initTransactions();
            initialized = true;
        }
    }

    /** Makes the producer ready (initTransactions fences an earlier collector), then proves it is the owner. */
    @Override
    public void fence(String run) {
        ready();
        checkOwner(run);
    }

    @Override
    public void begin(String run) {
        ready();
        send(run, () -> {
            for (int p = 0; p < jobPartitions; p++) {
                sendControl(p, run, new GcControl(run, GcControlAction.STRICT_ON, p, null, null));
            }
        });
        readAhead(run);
        try {
            awaitEach(run, GcReplyKind.STRICT_ACK, jobPartitions, "catalog", r -> { });
        } catch (RuntimeException e) {
            closeAhead(); // a run that did not begin is not ended: nothing else closes them
            throw e;
        }
        LOG.info("garbage collection {}: every catalog task seals without reusing trees", run);
    }

    /** Reads the barrier's topics while the catalog tasks answer and the run marks; the barrier reads only the rest. */
    private void readAhead(String run) {
        closeAhead();
        try {
            ahead = new EarlierJobs(pipeline);
            ahead.readAhead();
            aheadRun = run;
        } catch (KafkaException e) {
            closeAhead(); // the barrier reads everything itself
            LOG.info("garbage collection {}: the jobs were not read ahead ({})", run, e.getMessage());
        }
    }

    private void closeAhead() {
        if (ahead != null) {
            ahead.close();
            ahead = null;
            aheadRun = null;
        }
    }

    @Override
    public Set<BlobId> forget(String run, Iterator<BlobId> ids) {
        List<List<ByteBuffer>> batches = new ArrayList<>();
        for (int p = 0; p < chunkPartitions; p++) {
            batches.add(new ArrayList<>());
        }
        while (ids.hasNext()) {
            byte[] id = ids.next().bytes();
            int p = Topics.chunkPartition(id, chunkPartitions);
            List<ByteBuffer> b = batches.get(p);
            b.add(ByteBuffer.wrap(id));
            if (b.size() == IDS_PER_REQUEST) {
                List<ByteBuffer> full = new ArrayList<>(b);
                b.clear();
                int partition = p;
                send(run, () -> sendRequest(partition, new GcRequest(run, GcAction.FORGET, partition, full)));
            }
        }
        send(run, () -> {
            for (int p = 0; p < chunkPartitions; p++) {
                if (!batches.get(p).isEmpty()) {
                    sendRequest(p, new GcRequest(run, GcAction.FORGET, p, batches.get(p)));
                }
                sendRequest(p, new GcRequest(run, GcAction.MARKER, p, List.of()));
            }
        });
        Set<BlobId> spared = new HashSet<>();
        awaitEach(run, GcReplyKind.MARKER_DONE, chunkPartitions, "dedup", r -> {
            if (r.getKind() == GcReplyKind.SPARED) {
                for (ByteBuffer b : r.getIds()) {
                    byte[] id = new byte[b.remaining()];
                    b.duplicate().get(id);
                    spared.add(BlobId.of(id));
                }
            }
        });
        return spared;
    }

    @Override
    public void awaitEarlierJobs(String run, Duration fenceAfter, Consumer<String> waiting) {
        EarlierJobs jobs = run.equals(aheadRun) ? ahead : new EarlierJobs(pipeline);
        ahead = null;
        aheadRun = null;
        try (jobs) {
            Map<String, JobStarted> started = jobs.startedNow();
            Set<String> fenced = new HashSet<>();
            long nextNote = 0;
            while (true) {
                if (!jobs.caughtUp(Duration.ofMillis(200))) {
                    continue;
                }
                Map<String, JobStarted> open = new LinkedHashMap<>();
                started.forEach((job, s) -> {
                    if (!jobs.ended(job)) {
                        open.put(job, s);
                    }
                });
                if (open.isEmpty()) {
                    return;
                }
                long now = System.currentTimeMillis();
                if (fenceAfter != null) {
                    for (Map.Entry<String, JobStarted> e : open.entrySet()) {
                        long age = now - e.getValue().getTimeNs() / 1_000_000;
                        if (age > fenceAfter.toMillis() && fenced.add(e.getKey())) {
                            fence(run, e.getKey(), "still running " + Duration.ofMillis(age).toMinutes()
                                    + " min after it started (--fence-after " + fenceAfter.toMinutes() + " min)");
                            waiting.accept("fenced backup job " + describe(e.getKey(), e.getValue()));
                        }
                    }
                }
                if (now >= nextNote) {
                    nextNote = now + 10_000;
                    List<String> names = new ArrayList<>();
                    open.forEach((job, s) -> names.add(describe(job, s)));
                    waiting.accept("waiting for " + open.size() + " backup job" + (open.size() == 1 ? "" : "s")
                            + " that started before the collection: " + String.join("; ", names.subList(0,
                                    Math.min(3, names.size()))) + (names.size() > 3 ? "; ..." : ""));
                }
                jobs.read(Duration.ofMillis(200));
            }
        }
    }

    private static String describe(String job, JobStarted s) {
        String root = StandardCharsets.UTF_8.decode(s.getRoot().duplicate()).toString();
        return job + " (" + s.getHost() + ":" + root + ", started " + Instant.ofEpochMilli(s.getTimeNs() / 1_000_000)
                + ")";
    }

    private void fence(String run, String job, String reason) {
        send(run, () -> {
            byte[] key = job.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topics.gcControl.name(), key, topics.gcControl.valueSerde().serializer()
                    .serialize(topics.gcControl.name(), new GcControl(run, GcControlAction.FENCE, -1, job, reason))));
        });
    }

    @Override
    public void checkOwner(String run) {
        send(run, () -> producer.send(new ProducerRecord<>(topics.gcReplies.name(), 0, run.getBytes(StandardCharsets.UTF_8),
                topics.gcReplies.valueSerde().serializer().serialize(topics.gcReplies.name(),
                        new GcReply(run, GcReplyKind.HEARTBEAT, -1, List.of())))));
    }

    /**
     * Sends STRICT_OFF without waiting for the answers: nothing in the run depends on them. Each catalog
     * task reloads its tree index before it reuses trees again, whenever it reads the order; a task
     * that is down reads it when it runs again (the mode is kept in its store).
     */
    @Override
    public void end(String run) {
        closeAhead();
        try {
            send(run, () -> {
                for (int p = 0; p < jobPartitions; p++) {
                    sendControl(p, run, new GcControl(run, GcControlAction.STRICT_OFF, p, null, null));
                }
            });
        } catch (RuntimeException e) {
            // the next collection's STRICT_ON and STRICT_OFF end the mode; until then trees are written again
            LOG.warn("garbage collection {}: could not tell every catalog task that it ended: {}", run, e.getMessage());
        }
    }

    @Override
    public void close() {
        closeAhead();
        replies.close(CloseOptions.timeout(Duration.ZERO));
        producer.close(Duration.ofSeconds(5));
    }

    private void sendControl(int partition, String run, GcControl c) {
        producer.send(new ProducerRecord<>(topics.gcControl.name(), partition, run.getBytes(StandardCharsets.UTF_8),
                topics.gcControl.valueSerde().serializer().serialize(topics.gcControl.name(), c)));
    }

    private void sendRequest(int partition, GcRequest r) {
        producer.send(new ProducerRecord<>(topics.gcRequests.name(), partition, r.getRun().getBytes(StandardCharsets.UTF_8),
                topics.gcRequests.valueSerde().serializer().serialize(topics.gcRequests.name(), r)));
    }

    /** Sends in one transaction; a fenced producer means another collector took over. */
    private void send(String run, Runnable sends) {
        try {
            producer.beginTransaction();
            sends.run();
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw new FatalException(ErrorCode.FENCED, "garbage collection " + run + " was taken over by another"
                    + " collector (or the dedup seeder) of this vault; it stops without deleting more", e);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the producer is unusable; the error below says why
            }
            throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "garbage collection " + run + ": cannot send to the"
                    + " Kafka cluster: " + e.getMessage(), e);
        }
    }

    /** Reads replies of this run until {@code kind} came from every one of {@code partitions} partitions. */
    private void awaitEach(String run, GcReplyKind kind, int partitions, String who, Consumer<GcReply> others) {
        Set<Integer> answered = new HashSet<>();
        var reader = topics.gcReplies.valueSerde().deserializer();
        long deadline = System.currentTimeMillis() + answerTimeout.toMillis();
        while (answered.size() < partitions) {
            if (System.currentTimeMillis() > deadline) {
                throw new FatalException(ErrorCode.TIMEOUT, "garbage collection " + run + ": " + (partitions - answered.size())
                        + " of " + partitions + " " + who + " tasks did not answer within " + answerTimeout.toSeconds()
                        + " s (is the " + who + " role running? streamvault gc starts the roles no agent runs)");
            }
            for (ConsumerRecord<byte[], byte[]> r : replies.poll(Duration.ofMillis(200))) {
                GcReply reply;
                try {
                    reply = reader.deserialize(r.topic(), r.value());
                } catch (SerializationException e) {
                    continue;
                }
                if (reply == null || !reply.getRun().equals(run)) {
                    continue;
                }
                if (reply.getKind() == kind) {
                    answered.add(reply.getPartition());
                } else {
                    others.accept(reply);
                }
            }
        }
    }
}
