package io.streamvault.launcher.internal;

import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.util.Sizes;
import io.streamvault.copier.Copier;
import io.streamvault.copier.CopyMeters;
import io.streamvault.maintenance.Forget;
import io.streamvault.maintenance.GarbageCollector;
import io.streamvault.plans.Plan;
import io.streamvault.scanner.ChangeFeed;
import io.streamvault.scanner.ChangeFeeds;
import io.streamvault.scanner.ChangedDirs;
import io.streamvault.scanner.Changes;
import io.streamvault.scheduler.PlanActions;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an agent's scheduler does for a plan's run: a backup job like the backup command's, forget, gc. */
public final class PlanRunner implements PlanActions {
    private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);
    private final Pipeline pipeline;
    private final Vault vault;
    private final String instance;
    private final AgentGc collector;
    private final CopyMeters copies;

    /** {@code copies}: where the plans' copies are counted (docs/metrics.md). */
    public PlanRunner(Pipeline pipeline, Vault vault, String instance, AgentGc collector, CopyMeters copies) {
        this.copies = copies;
        this.pipeline = pipeline;
        this.vault = vault;
        this.instance = instance;
        this.collector = collector;
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> startBackup(Plan plan, String job, Set<Path> changedDirs,
            String lastSnapshot) {
        byte[] root = RawPaths.bytes(Path.of(plan.path()));
        List<String> tags = new ArrayList<>(plan.tags());
        tags.add(plan.tag());
        vault.locks().checkRetention(Duration.ofSeconds(plan.retainSeconds()));
        Optional<SnapshotRef> parent = Parents.choose(vault, root, null);
        // A run on changes walks only the directories the change feed named (and those above them),
        // trusting its parent for the rest: only when that parent is the plan's own last snapshot, made
        // after the plan was last changed (its excludes, say). Otherwise, or above the cap, everything.
        boolean narrow = changedDirs != null && parent.isPresent() && parent.get().id().equals(lastSnapshot)
                && parent.get().snapshot().timeNs() > plan.updatedNs();
        List<byte[]> narrowed = narrow ? ChangedDirs.relative(Path.of(plan.path()), changedDirs) : null;
        BackupJob b = new BackupJob(root, tags, plan.excludes(), plan.host(), null, null, false, System.currentTimeMillis(),
                plan.retainSeconds(), narrowed);
        return JobClient.records(pipeline.topics(), b.started(job, instance, parent), b.rootTask(job, parent));
    }

    @Override
    public String forget(Plan plan) {
        List<SnapshotRef> mine = vault.listSnapshots(e -> LOG.warn("skipping an unreadable snapshot: {}", e.getMessage()))
                .stream().filter(s -> s.snapshot().tags().contains(plan.tag())).toList();
        Forget.Plan f = Forget.byPolicy(vault, mine, plan.policy(), false);
        if (!f.groupsRemovedWhole().isEmpty()) {
            return "retention not applied: it would remove every snapshot of " + String.join("; ", f.groupsRemovedWhole());
        }
        Forget.remove(vault, f.removedIds(), false);
        return "retention: " + f.removedIds().size() + " snapshot(s) forgotten, " + f.kept() + " kept";
    }

    @Override
    public String copy(Plan plan) {
        try (Vault target = vault.openCopy(CopyTarget.open(plan.copyTo(), null))) {
            Copier c = new Copier(vault, target, new Copier.Options(false), copies);
            c.catchUp();
            Copier.Totals t = c.totals();
            return "copy to " + plan.copyTo() + ": " + t.objects() + " objects, " + Sizes.bytes(t.bytes());
        }
    }

    @Override
    public String gc() {
        GarbageCollector.Result r = collector.run(GarbageCollector.Options.defaults(), GarbageCollector.Progress.none());
        return "gc: " + r.packsDeleted() + " packs deleted, " + r.packsRepacked() + " repacked, " + Sizes.bytes(
                r.bytesFreed()) + " freed";
    }

    /**
     * Follows the plan's change feed on a thread of its own, draining it continuously (a
     * file-system-wide fanotify queue must not fill while nobody reads it); every batch of changes,
     * and every loss of events, is one call of {@code onChange}.
     */
    @Override
    public AutoCloseable watch(Plan plan, Consumer<Set<Path>> onChange) {
        ChangeFeed feed = ChangeFeeds.open(Path.of(plan.path()));
        LOG.info("plan {}: watching {} with {}", plan.name(), plan.path(), feed.kind());
        AtomicBoolean closed = new AtomicBoolean();
        Thread t = new Thread(() -> {
            while (!closed.get()) {
                try {
                    Changes c = feed.poll(Duration.ofSeconds(1));
                    if (!c.isEmpty()) {
                        onChange.accept(c.overflowed() ? null : c.dirs());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (!closed.get()) {
                        LOG.warn("plan {}: the change feed stopped ({}); the full walks still run", plan.name(),
                                e.getMessage());
                        onChange.accept(null);
                    }
                    return;
                }
            }
        }, "change-feed-" + plan.name());
        t.setDaemon(true);
        t.start();
        return () -> {
            closed.set(true);
            feed.close();
        };
    }
}
