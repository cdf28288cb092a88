package io.streamvault.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.config.StreamVaultConfig;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.util.Sizes;
import io.streamvault.vault.Hold;
import io.streamvault.vault.LockState;
import io.streamvault.vault.Protection;
import io.streamvault.vault.Snapshot;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Vault;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamvault snapshots}: lists the snapshots of a vault (reads the vault only). An unreadable
 * snapshot object does not hide the others: they are listed, then the command fails naming it.
 */
@Command(name = "snapshots", mixinStandardHelpOptions = true, description = "List snapshots.")
public final class SnapshotsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public Integer call() {
        StreamVaultConfig config = common.config();
        try (Vault vault = common.openVault(config, false)) {
            List<StreamVaultException> unreadable = new ArrayList<>();
            List<SnapshotRef> all = vault.listSnapshots(unreadable::add);
            LockState locks = vault.locks().state();
            if (json) {
                ArrayNode arr = new ObjectMapper().createArrayNode();
                for (SnapshotRef r : all) {
                    Snapshot s = r.snapshot();
                    ObjectNode o = arr.addObject();
                    o.put("id", r.id());
                    o.put("short_id", r.id().substring(0, 8));
                    o.put("time", Instant.ofEpochSecond(0, s.timeNs()).toString());
                    o.put("hostname", s.hostname());
                    o.put("username", s.username());
                    o.put("path", RawPaths.display(s.path()));
                    o.put("tree", s.tree().hex());
                    o.put("parent", s.parent());
                    o.put("incomplete", s.incomplete());
                    Protection p = locks.protection(r);
                    o.put("retain_until", p.retainUntil() == null ? null : p.retainUntil().toString());
                    o.put("lock_mode", p.mode() == null ? null : p.mode().id());
                    var holds = o.putArray("holds");
                    p.holds().forEach(h -> holds.addObject().put("id", h.id()).put("reason", h.reason())
                            .put("placed_at", h.placedAt().toString()));
                    var tags = o.putArray("tags");
                    s.tags().forEach(tags::add);
                    ObjectNode sum = o.putObject("summary");
                    s.summary().forEach(sum::put);
                }
                System.out.println(arr);
            } else {
                System.out.printf("%-8s  %-19s  %-16s  %10s  %-19s  %s%n", "ID", "Time (UTC)", "Host", "Size",
                        "Retain until (UTC)", "Path");
                for (SnapshotRef r : all) {
                    Snapshot s = r.snapshot();
                    Protection p = locks.protection(r);
                    String until = p.retainUntil() == null ? "-" : TIME.format(p.retainUntil());
                    System.out.printf("%-8s  %-19s  %-16s  %10s  %-19s  %s%s%s%n", r.id().substring(0, 8),
                            TIME.format(Instant.ofEpochSecond(0, s.timeNs())), s.hostname(),
                            Sizes.bytes(s.summary().getOrDefault("total_bytes", 0L)), until, RawPaths.display(s.path()),
                            s.incomplete() ? "  (incomplete)" : "", p.holds().isEmpty() ? ""
                                    : "  (legal hold: " + String.join("; ", p.holds().stream().map(Hold::reason).toList())
                                    + ")");
                }
                System.out.println(all.size() + " snapshot" + (all.size() == 1 ? "" : "s"));
            }
            if (!unreadable.isEmpty()) {
                for (StreamVaultException e : unreadable.subList(1, unreadable.size())) {
                    System.err.println("warning: " + e.getMessage());
                }
                throw new FatalException(ErrorCode.CORRUPT_OBJECT, unreadable.get(0).getMessage()
                        + (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more, named above)" : "")
                        + "; the readable snapshots are listed (streamvault check tells more)");
            }
        }
        return 0;
    }
}
