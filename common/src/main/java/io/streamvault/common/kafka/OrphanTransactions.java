package io.streamvault.common.kafka;

import io.streamvault.common.util.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the transactions that a process killed in the middle of one left open. Until the broker aborts
 * such a transaction by itself, {@code transaction.timeout.ms} after it began (60 s by default), every
 * reader of the partitions it wrote to waits at the last stable offset, and the whole job with it.
 *
 * <p>After each rebalance of a group (a member's session expired: the member may be dead), the group's
 * members ask for a sweep: it lists the group's ongoing transactions, keeps those whose owner (the
 * process of a transactional id) is no member of the group, and initialises a producer with each
 * one's transactional id, which makes the broker abort it at once, as the owner's own restart would.
 * Transactions are listed and described before the members: an owner seen absent was absent after
 * its transaction had begun (a process that only starts has none: it begins one only on partitions
 * the group assigned to it, as a member). Right before each fence the transaction is described again,
 * and left alone unless it is still the same one (producer, epoch, start), so an owner that came back
 * meanwhile and began another keeps it. A member the group dropped while it was alive (a pause longer
 * than the session timeout) is fenced too; its worker replaces its producer and starts again from its
 * last commit ({@link TransactionalWorker}; Kafka Streams does the same).
 *
 * <p>Whenever the owners cannot be told apart for sure (the group cannot be described, or a member's
 * client id does not have the expected form, as when {@code kafka.client.id} is overridden), nothing
 * is fenced. Sweeps run on one background thread, which ends when idle; requests for a group already
 * waiting are merged.
 */
public final class OrphanTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanTransactions.class);
    /** What a Kafka Streams member's client id holds between its process's id and its thread number. */
    private static final String STREAM_THREAD = "-StreamThread-";
    /** How long a sweep's admin calls may take. */
    private static final long TIMEOUT_MS = 30_000;
    /** How long closing a fencing producer may take: one thread sweeps for the whole process. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The transactions of one consumer group: those whose id starts with {@code prefix}; the owner of
     * a transactional id and of a member's client id (null when the client id is not of the expected
     * form) by the two functions.
     */
    public record Group(String groupId, String prefix, Function<String, String> owner,
            Function<String, String> memberOwner) {
        /**
         * A pool of {@link TransactionalWorker}s: member client id = transactional id
         * {@code GROUP.INSTANCE.N}, owned by {@code GROUP.INSTANCE}.
         */
        public static Group workers(String groupId) {
            String prefix = groupId + ".";
            Function<String, String> owner = id -> id.startsWith(prefix) && id.lastIndexOf('.') >= prefix.length()
                    ? id.substring(0, id.lastIndexOf('.')) : null;
            return new Group(groupId, prefix, owner, owner);
        }

        /**
         * A Kafka Streams application with exactly-once v2: transactional ids {@code APP-PROCESS-N},
         * member client ids {@code APP-PROCESS-StreamThread-N-consumer} (Streams' default client id),
         * both owned by {@code APP-PROCESS}.
         */
        public static Group streams(String applicationId) {
            String prefix = applicationId + "-";
            return new Group(applicationId, prefix,
                    id -> id.lastIndexOf('-') > prefix.length() ? id.substring(0, id.lastIndexOf('-')) : null,
                    client -> client.startsWith(prefix) && client.indexOf(STREAM_THREAD) > prefix.length()
                            ? client.substring(0, client.indexOf(STREAM_THREAD)) : null);
        }
    }

    /** A sweep that fails says so at most this often (then at debug level). */
    private static final long WARN_INTERVAL_MS = 10 * 60_000L;
    private final KafkaProps props;
    private volatile long lastWarnMs;
    private final Map<String, Group> waiting = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), DaemonThreads.named("orphan-txns"));

    OrphanTransactions(KafkaProps props) {
        this.props = props;
    }

    /**
     * Sweeps {@code group}'s orphaned transactions soon, in the background (after a rebalance), together
     * with those of every other group that asked meanwhile.
     */
    public void sweepSoon(Group group) {
        if (waiting.putIfAbsent(group.groupId(), group) == null) {
            runner.execute(this::sweepWaiting);
        }
    }

    private void sweepWaiting() {
        List<Group> groups = new ArrayList<>();
        for (String id : List.copyOf(waiting.keySet())) {
            Group g = waiting.remove(id);
            if (g != null) {
                groups.add(g);
            }
        }
        if (groups.isEmpty()) {
            return;
        }
        try {
            sweep(groups);
        } catch (Exception e) {
            long now = System.currentTimeMillis();
            if (now - lastWarnMs > WARN_INTERVAL_MS) {
                lastWarnMs = now;
                LOG.warn("could not look for the open transactions of members gone from {}: {} (a killed process's"
                        + " transaction then holds its readers back until transaction.timeout.ms; on a secured cluster"
                        + " this needs Describe on the group and Describe and Write on the transactional ids)",
                        groups.stream().map(Group::groupId).toList(), e.toString());
            } else {
                LOG.debug("sweeping orphaned transactions of {}: {}", groups, e.toString());
            }
        }
    }

    /** Ends the transactions of {@code groups} whose owner is no member of their group; returns their ids. */
    public List<String> sweep(List<Group> groups) throws Exception {
        try (Admin admin = Admin.create(props.admin("orphan-txns"))) {
            Collection<TransactionListing> ongoing = admin.listTransactions(new ListTransactionsOptions()
                    .filterStates(List.of(TransactionState.ONGOING))).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.debug("sweeping {}: {} transactions ongoing", groups.stream().map(Group::groupId).toList(), ongoing.size());
            List<String> fenced = new ArrayList<>();
            for (Group group : groups) {
                fenced.addAll(sweep(admin, group, ongoing));
            }
            return fenced;
        }
    }

    private List<String> sweep(Admin admin, Group group, Collection<TransactionListing> ongoing) throws Exception {
        List<String> candidates = new ArrayList<>();
        for (TransactionListing t : ongoing) {
            if (t.transactionalId().startsWith(group.prefix()) && group.owner().apply(t.transactionalId()) != null) {
                candidates.add(t.transactionalId());
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<String, TransactionDescription> seen = describe(admin, candidates);
        Set<String> members = members(admin, group);
        if (members == null) {
            return List.of();
        }
        List<String> fenced = new ArrayList<>();
        for (String id : candidates) {
            if (!members.contains(group.owner().apply(id)) && same(seen.get(id), describe(admin, List.of(id)).get(id))) {
                fence(id);
                fenced.add(id);
            }
        }
        if (!fenced.isEmpty()) {
            LOG.info("{}: ended the open transactions of members that left the group without ending them: {}",
                    group.groupId(), fenced);
        }
        return fenced;
    }

    private static Map<String, TransactionDescription> describe(Admin admin, List<String> ids) throws Exception {
        return admin.describeTransactions(ids).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The transaction seen before the group was described is still the one open now (same producer,
     * epoch and start): its owner has not come back meanwhile and begun another, which the fence would
     * abort. What is left between this check and the fence is a few milliseconds; a transaction lost
     * in them is redone by its owner, whose worker replaces its producer.
     */
    private static boolean same(TransactionDescription before, TransactionDescription now) {
        return before != null && now != null && now.state() == TransactionState.ONGOING
                && before.state() == TransactionState.ONGOING && before.producerId() == now.producerId()
                && before.producerEpoch() == now.producerEpoch()
                && before.transactionStartTimeMs().equals(now.transactionStartTimeMs());
    }

    /** The owners of the group's members; null when one of them cannot be told. */
    private Set<String> members(Admin admin, Group group) throws Exception {
        Map<String, ConsumerGroupDescription> d = admin.describeConsumerGroups(List.of(group.groupId())).all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Set<String> owners = new HashSet<>();
        for (MemberDescription m : d.get(group.groupId()).members()) {
            String owner = group.memberOwner().apply(m.clientId());
            if (owner == null) {
                LOG.warn("{}: member {} is not of a known form; no transaction is ended", group.groupId(), m.clientId());
                return null;
            }
            owners.add(owner);
        }
        return owners;
    }

    /** {@link #fence(Properties)} with this cluster's settings; a failure is logged, not thrown. */
    private void fence(String transactionalId) {
        try {
            fence(props.transactionalProducer(transactionalId));
        } catch (KafkaException e) {
            LOG.warn("{}: could not end its open transaction: {}", transactionalId, e.toString());
        }
    }

    /**
     * Initialises a producer with the transactional id of {@code transactionalProducer} (settings from
     * {@link KafkaProps#transactionalProducer}): the broker aborts the id's open transaction first,
     * and its current producer is fenced. Throws what initialising throws.
     */
    public static void fence(Properties transactionalProducer) {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(transactionalProducer);
        try {
            p.initTransactions();
        } finally {
            p.close(CLOSE_TIMEOUT);
        }
    }
}
