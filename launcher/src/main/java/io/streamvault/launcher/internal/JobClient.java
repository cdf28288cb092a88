package io.streamvault.launcher.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Starts backup jobs and follows them: the job and its root directory task are published in one
 * transaction (a job exists with its first task, or not at all); its status is read from
 * {@code job-status} until it is sealed or failed.
 */
public final class JobClient implements AutoCloseable {
    /** How long a follower that reads nothing waits between asking the cluster whether it is there. */
    private static final long PROBE_INTERVAL_MS = 5_000;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private final Pipeline pipeline;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> statusConsumer;
    private final Deserializer<JobStatus> statusReader;

    public JobClient(Pipeline pipeline, String instance) {
        this.pipeline = pipeline;
        Topics t = pipeline.topics();
        String txId = t.groupId("client") + "." + instance;
        this.producer = new KafkaProducer<>(pipeline.props().transactionalProducer(txId));
        this.producer.initTransactions();
        this.statusConsumer = new KafkaConsumer<>(pipeline.props().consumer(null, txId + ".status", 500));
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo pi : statusConsumer.partitionsFor(t.jobStatus.name())) {
            parts.add(new TopicPartition(pi.topic(), pi.partition()));
        }
        statusConsumer.assign(parts);
        statusConsumer.seekToEnd(parts);
        for (TopicPartition tp : parts) {
            statusConsumer.position(tp); // fix the positions now: nothing published from here on is missed
        }
        this.statusReader = t.jobStatus.valueSerde().deserializer();
    }

    public void submit(JobStarted job, DirTask root) {
        producer.beginTransaction();
        records(pipeline.topics(), job, root).forEach(producer::send);
        producer.commitTransaction();
    }

    /** The records that start a job: the job and its root task, to be sent in one transaction. */
    public static List<ProducerRecord<byte[], byte[]>> records(Topics t, JobStarted job, DirTask root) {
        byte[] rootKey = Topics.spreadKey(job.getJob(), new byte[0]);
        return List.of(new ProducerRecord<>(t.jobs.name(), job.getJob().getBytes(StandardCharsets.UTF_8),
                        t.jobs.valueSerde().serializer().serialize(t.jobs.name(), job)),
                new ProducerRecord<>(t.dirTasks.name(), rootKey,
                        t.dirTasks.valueSerde().serializer().serialize(t.dirTasks.name(), root)));
    }

    /**
     * Waits until the job is sealed or failed. {@code failure} is asked between polls for a reason
     * to stop waiting (a worker of this process that failed); when it returns one, that is thrown.
     * A cluster that has not answered for {@code retry.timeout.ms} ends the wait with
     * BROKER_UNREACHABLE: the job's status cannot be known, and a broker that does not come back
     * must not keep the command (or the agent's queue of jobs) waiting for ever.
     */
    public JobStatus await(String job, Consumer<JobStatus> onProgress, Supplier<RuntimeException> failure) {
        byte[] key = job.getBytes(StandardCharsets.UTF_8);
        long retryTimeoutMs = pipeline.config().getLong(StreamVaultConfig.RETRY_TIMEOUT_MS);
        long answered = System.currentTimeMillis();
        long asked = answered;
        while (true) {
            RuntimeException f = failure.get();
            if (f != null) {
                throw f;
            }
            ConsumerRecords<byte[], byte[]> records = statusConsumer.poll(Duration.ofMillis(200));
            long now = System.currentTimeMillis();
            if (!records.isEmpty()) {
                answered = now;
            } else if (now - asked >= PROBE_INTERVAL_MS) {
                asked = now;
                if (answers()) {
                    answered = now;
                } else if (now - answered > retryTimeoutMs) {
                    throw new FatalException(ErrorCode.BROKER_UNREACHABLE, "the Kafka cluster at " + pipeline.bootstrap()
                            + " has not answered for " + (now - answered) / 1000 + " s (retry.timeout.ms) while following job "
                            + job + "; the job may still complete once it is back (see streamvault snapshots), or run the"
                            + " backup again");
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.key() == null || !Arrays.equals(r.key(), key)) {
                    continue;
                }
                JobStatus s;
                try {
                    s = statusReader.deserialize(r.topic(), r.value());
                } catch (SerializationException e) {
                    continue;
                }
                if (s.getState() == JobState.RUNNING) {
                    onProgress.accept(s);
                } else {
                    return s;
                }
            }
        }
    }

    /** True when the cluster answers a request for the status partitions' end offsets in time. */
    private boolean answers() {
        try {
            statusConsumer.endOffsets(statusConsumer.assignment(), PROBE_TIMEOUT);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    public static FatalException failed(JobStatus s) {
        return new FatalException(ErrorCode.JOB_FAILED, "backup job " + s.getJob() + " failed: " + s.getError());
    }

    @Override
    public void close() {
        // Nothing is left to send or commit: do not wait for the status consumer's pending long poll.
        statusConsumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        producer.close(Duration.ofSeconds(5));
    }
}
