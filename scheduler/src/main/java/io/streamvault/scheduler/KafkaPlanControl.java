package io.streamvault.scheduler;

import io.streamvault.common.kafka.KafkaProps;
import io.streamvault.plans.PlanControl;
import io.streamvault.plans.PlanRun;
import io.streamvault.scheduler.internal.Runs;
import io.streamvault.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@link PlanControl} over the cluster: a plan's history is read from its partition of
 * {@code plan-runs} (committed records, the latest state of each run); requests are records on the
 * same partition, which the plan's scheduler reads.
 */
public final class KafkaPlanControl implements PlanControl {
    private final KafkaProps props;
    private final Topics topics;
    private final String client;
    private KafkaProducer<byte[], byte[]> producer;

    public KafkaPlanControl(KafkaProps props, Topics topics, String client) {
        this.props = props;
        this.topics = topics;
        this.client = client;
    }

    @Override
    public List<PlanRun> runs(String plan, int limit) {
        TopicPartition tp;
        Deserializer<io.streamvault.schemas.records.PlanRun> reader = topics.planRuns.valueSerde().deserializer();
        Map<String, PlanRun> latest = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props.reader(client + ".plan-runs", 5000))) {
            tp = new TopicPartition(topics.planRuns.name(), Topics.planPartition(plan,
                    c.partitionsFor(topics.planRuns.name()).size()));
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        io.streamvault.schemas.records.PlanRun a = reader.deserialize(r.topic(), r.value());
                        PlanRun run = a.getPlan().equals(plan) ? Runs.of(a) : null;
                        if (run != null) {
                            PlanRun old = latest.get(run.id());
                            if (old == null || !old.state().ended() || run.state().ended()) {
                                latest.put(run.id(), run);
                            }
                        }
                    } catch (SerializationException e) {
                        // a record this version cannot read is not shown
                    }
                }
            }
        }
        List<PlanRun> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparingLong(PlanRun::slotMs).thenComparingInt(PlanRun::attempt).reversed());
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    @Override
    public String requestRun(String plan) {
        String key = plan + "/request/" + UUID.randomUUID();
        send(plan, key, "manual");
        return key;
    }

    @Override
    public void changed(String plan) {
        send(plan, plan + "/changed/" + UUID.randomUUID(), "changed");
    }

    private synchronized void send(String plan, String key, String trigger) {
        if (producer == null) {
            producer = new KafkaProducer<>(props.producer(client + ".plans"));
        }
        var v = Runs.request(plan, key, trigger, System.currentTimeMillis());
        try {
            int partitions = producer.partitionsFor(topics.planRuns.name()).size();
            producer.send(new ProducerRecord<>(topics.planRuns.name(), Topics.planPartition(plan, partitions),
                    key.getBytes(StandardCharsets.UTF_8), topics.planRuns.valueSerde().serializer()
                    .serialize(topics.planRuns.name(), v))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while asking the scheduler", e);
        } catch (ExecutionException e) {
            throw new KafkaException("the scheduler could not be asked: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
