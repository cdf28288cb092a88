package io.streamvault.restore;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.fs.Glob;
import java.util.List;

/**
 * What to restore and how. Paths and globs are relative to the backed-up directory (the snapshot's
 * root); see the README for the glob syntax.
 *
 * @param includes restore only entries matching one of these globs (or lying under a matching
 *     directory); empty: everything
 * @param excludes never restore entries matching one of these globs, nor anything under them
 * @param path restore only this subtree (raw bytes, '/'-separated, relative); empty: everything
 * @param mtimeFromNs restore only non-directories whose mtime is at least this (ns), or null
 * @param mtimeToNs restore only non-directories whose mtime is below this (ns), or null
 * @param overwrite what to do with entries that exist in the target
 * @param workers files (and parts of large files) restored at once
 */
public record RestoreOptions(List<String> includes, List<String> excludes, byte[] path, Long mtimeFromNs,
        Long mtimeToNs, Overwrite overwrite, int workers) {

    public RestoreOptions {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        path = path == null ? new byte[0] : path.clone();
        if (overwrite == null) {
            overwrite = Overwrite.ALWAYS;
        }
        if (workers < 1 || workers > 256) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "restore workers must be 1 to 256, not " + workers);
        }
        if (mtimeFromNs != null && mtimeToNs != null && mtimeFromNs > mtimeToNs) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "mtime range ends before it starts");
        }
        for (String g : includes) {
            Glob.compile(g); // a bad glob is an error now, not a failed restore later
        }
        for (String g : excludes) {
            Glob.compile(g);
        }
    }

    /** Default parallelism: twice the processors, at least 4, at most 16. */
    public static int defaultWorkers() {
        return Math.max(4, Math.min(16, 2 * Runtime.getRuntime().availableProcessors()));
    }

    /** Everything, overwriting, with the default parallelism. */
    public static RestoreOptions all() {
        return new RestoreOptions(List.of(), List.of(), new byte[0], null, null, Overwrite.ALWAYS, defaultWorkers());
    }
}
