package io.streamvault.launcher.internal;

import io.streamvault.schemas.Topics;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What the barrier of a garbage collection reads (docs/gc.md, step 6): the {@code jobs} topic (every
 * job whose start is committed) and {@code job-status} (which of them ended), read committed from
 * their beginning. Both are read ahead while the run marks ({@link #readAhead}), so that the barrier
 * itself only reads what came since ({@link #startedNow}, {@link #caughtUp}). One thread at a time.
 */
final class EarlierJobs implements AutoCloseable {
    private final Topics topics;
    private final KafkaConsumer<byte[], byte[]> jobs;
    private final KafkaConsumer<byte[], byte[]> statuses;
    private final List<TopicPartition> jobParts;
    private final List<TopicPartition> statusParts;
    private final Map<String, JobStarted> started = new HashMap<>();
    private final Set<String> ended = new HashSet<>();

    EarlierJobs(Pipeline pipeline) {
        this.topics = pipeline.topics();
        this.jobs = new KafkaConsumer<>(pipeline.props().reader(topics.groupId("gc.read"), 2000));
        KafkaConsumer<byte[], byte[]> s = null;
        try {
            s = new KafkaConsumer<>(pipeline.props().reader(topics.groupId("gc.status"), 2000));
            this.jobParts = assignFromStart(jobs, topics.jobs.name());
            this.statusParts = assignFromStart(s, topics.jobStatus.name());
        } catch (RuntimeException e) {
            jobs.close(CloseOptions.timeout(Duration.ZERO));
            if (s != null) {
                s.close(CloseOptions.timeout(Duration.ZERO));
            }
            throw e;
        }
        this.statuses = s;
    }

    /** Reads both topics up to their ends as they are now. */
    void readAhead() {
        readJobsTo(jobs.endOffsets(jobParts));
        while (!caughtUp(Duration.ofMillis(200))) {
            // read on
        }
    }

    /** Every job whose start is committed now, by id. */
    Map<String, JobStarted> startedNow() {
        readJobsTo(jobs.endOffsets(jobParts));
        return new LinkedHashMap<>(started);
    }

    /**
     * True when {@code job-status} is read to its end as it is now; else reads what comes within
     * {@code timeout} and returns false (ask again).
     */
    boolean caughtUp(Duration timeout) {
        if (reached(statuses, statusParts, statuses.endOffsets(statusParts))) {
            return true;
        }
        read(timeout);
        return false;
    }

    /** Waits at most {@code timeout} for statuses that came since, and reads them. */
    void read(Duration timeout) {
        var reader = topics.jobStatus.valueSerde().deserializer();
        for (ConsumerRecord<byte[], byte[]> r : statuses.poll(timeout)) {
            try {
                JobStatus s = reader.deserialize(r.topic(), r.value());
                if (s != null && s.getState() != JobState.RUNNING) {
                    ended.add(s.getJob());
                }
            } catch (SerializationException e) {
                // not a status this version reads: it cannot end a job the barrier waits for
            }
        }
    }

    boolean ended(String job) {
        return ended.contains(job);
    }

    private void readJobsTo(Map<TopicPartition, Long> end) {
        var reader = topics.jobs.valueSerde().deserializer();
        while (!reached(jobs, jobParts, end)) {
            for (ConsumerRecord<byte[], byte[]> r : jobs.poll(Duration.ofMillis(200))) {
                if (r.key() == null || r.value() == null) {
                    continue;
                }
                try {
                    JobStarted s = reader.deserialize(r.topic(), r.value());
                    if (s != null) {
                        s.setChangedDirs(null); // a narrowed job's list (up to 512 KiB) says nothing about when it ends
                        started.put(new String(r.key(), StandardCharsets.UTF_8), s);
                    }
                } catch (SerializationException e) {
                    // a record this version cannot read: not a job the barrier must wait for
                }
            }
        }
    }

    private static List<TopicPartition> assignFromStart(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo pi : c.partitionsFor(topic)) {
            parts.add(new TopicPartition(pi.topic(), pi.partition()));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return parts;
    }

    /** True when the consumer's position in every partition is at or past {@code end}. */
    private static boolean reached(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts,
            Map<TopicPartition, Long> end) {
        for (TopicPartition tp : parts) {
            if (c.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        jobs.close(CloseOptions.timeout(Duration.ZERO));
        statuses.close(CloseOptions.timeout(Duration.ZERO));
    }
}
