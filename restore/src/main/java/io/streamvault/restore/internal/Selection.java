package io.streamvault.restore.internal;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Glob;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.restore.RestoreOptions;
import io.streamvault.vault.Node;
import java.util.Arrays;
import java.util.List;

/** Which entries of a snapshot a restore writes: path prefix, include and exclude globs, mtime range. */
public final class Selection {
    /** What to do with one entry. */
    public enum Decision {
        /** Neither restore it nor look inside it. */
        SKIP,
        /** A directory that is not selected itself but may hold selected entries: created only if it does. */
        DESCEND,
        /** Restore it (a directory: create it, and everything under it is included). */
        SELECT
    }

    private final List<byte[]> prefix;
    private final List<Glob> includes;
    private final List<Glob> excludes;
    private final Long from;
    private final Long to;

    public Selection(RestoreOptions o) {
        this.prefix = RawPaths.splitRelative(o.path());
        this.includes = o.includes().stream().map(Glob::compile).toList();
        this.excludes = o.excludes().stream().map(Glob::compile).toList();
        this.from = o.mtimeFromNs();
        this.to = o.mtimeToNs();
    }

    /** True when every entry is selected (no filter at all). */
    public boolean everything() {
        return prefix.isEmpty() && includes.isEmpty() && excludes.isEmpty() && from == null && to == null;
    }

    /**
     * The decision for {@code node} at {@code path} (its names from the root, itself last), inside a
     * directory that was itself included ({@code parentIncluded}) or not.
     */
    public Decision decide(List<byte[]> path, Node node, boolean parentIncluded) {
        boolean dir = node.type() == FileKind.DIR;
        int k = Math.min(path.size(), prefix.size());
        for (int i = 0; i < k; i++) {
            if (!Arrays.equals(path.get(i), prefix.get(i))) {
                return Decision.SKIP;
            }
        }
        if (path.size() < prefix.size()) {
            return dir ? Decision.DESCEND : Decision.SKIP;
        }
        for (Glob g : excludes) {
            if (g.matches(path)) {
                return Decision.SKIP;
            }
        }
        boolean included = parentIncluded || includes.isEmpty();
        if (!included) {
            for (Glob g : includes) {
                if (g.matches(path)) {
                    included = true;
                    break;
                }
            }
        }
        if (dir) {
            return included ? Decision.SELECT : Decision.DESCEND;
        }
        if (!included || (from != null && node.mtimeNs() < from) || (to != null && node.mtimeNs() >= to)) {
            return Decision.SKIP;
        }
        return Decision.SELECT;
    }
}
