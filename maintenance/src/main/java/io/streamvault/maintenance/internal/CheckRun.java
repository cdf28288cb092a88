package io.streamvault.maintenance.internal;

import io.streamvault.maintenance.Checker;
import io.streamvault.maintenance.Checker.Problem;
import io.streamvault.maintenance.Checker.Severity;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.util.Sizes;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.Node;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.PackEntry;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultListing;
import io.streamvault.vault.VaultObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One run of {@link Checker}. Damage (a missing or corrupt object) becomes a {@link Problem}; a
 * failure of the storage itself (unavailable, access denied) ends the check with that error, since
 * nothing can be concluded about objects that could not be read.
 *
 * <p>Pass one checks snapshots, index objects, dictionaries, pack listings and headers, walks every
 * tree once (shared subtrees once), and, when asked, reads data. Pass two runs only when something
 * is damaged: it walks again the trees that may reach the damage, to name the affected snapshots and
 * paths.
 */
public final class CheckRun {

    private record Key(BlobId id, BlobType type) {
    }

    /** What pass one keeps of a tree: its subtrees and the packs of its file data, to prune pass two. */
    private record TreeFacts(List<BlobId> subtrees, Set<String> packs, boolean missingData) {
    }

    private static final class Acc {
        final Severity severity;
        final String kind;
        final String object;
        final String message;
        final Set<String> snapshots = new LinkedHashSet<>();
        final Set<String> paths = new LinkedHashSet<>();
        long pathsTotal;

        Acc(Severity severity, String kind, String object, String message) {
            this.severity = severity;
            this.kind = kind;
            this.object = object;
            this.message = message;
        }

        void affects(String snapshot, String path) {
            snapshots.add(snapshot);
            String p = snapshot + ":" + path;
            if (paths.size() < Checker.MAX_PATHS) {
                if (paths.add(p)) {
                    pathsTotal++;
                }
            } else if (!paths.contains(p)) {
                pathsTotal++;
            }
        }
    }

    private final Vault vault;
    private final Checker.Options options;
    private final Checker.Progress progress;
    private final Map<String, Acc> problems = new LinkedHashMap<>();
    private final Map<Key, BlobLocation> index = new HashMap<>();
    private final Map<String, List<BlobLocation>> packEntries = new HashMap<>();
    private final Map<String, Long> packSizes = new HashMap<>();
    /** Pack id to the key of its problem: missing, wrong size, bad header, or corrupt blobs. */
    private final Map<String, String> badPacks = new HashMap<>();
    /** Packs that are sound as a whole but hold corrupt blobs (those are in badBlobs). */
    private final Set<String> packsWithCorruptBlobs = new HashSet<>();
    /** Blob to the key of its problem, for blobs that are bad on their own (not in any index, corrupt). */
    private final Map<Key, String> badBlobs = new HashMap<>();
    private final Map<BlobId, TreeFacts> trees = new HashMap<>();
    private final Set<BlobId> dataBlobs = new HashSet<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private long indexObjects;
    private long packsRead;
    private long blobsRead;
    private ExecutorService pool;

    public CheckRun(Vault vault, Checker.Options options, Checker.Progress progress) {
        this.vault = vault;
        this.options = options;
        this.progress = progress;
    }

    public Checker.Result run() {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<SnapshotRef> snapshots = snapshots();
            loadIndex();
            checkDictionaries();
            checkPacks();
            walkTrees(snapshots);
            if (options.readDataFraction() > 0) {
                readData();
            }
            if (!badPacks.isEmpty() || !badBlobs.isEmpty() || !packsWithCorruptBlobs.isEmpty()) {
                attribute(snapshots);
            }
            List<Problem> out = new ArrayList<>();
            for (Acc a : problems.values()) {
                out.add(new Problem(a.severity, a.kind, a.object, a.message, List.copyOf(a.snapshots),
                        List.copyOf(a.paths), a.pathsTotal));
            }
            out.sort(Comparator.comparing(Problem::severity));
            return new Checker.Result(out, snapshots.size(), indexObjects, trees.size(), dataBlobs.size(),
                    packEntries.size(), packsRead, blobsRead, bytesRead.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private Acc problem(String key, Severity severity, String kind, String object, String message) {
        return problems.computeIfAbsent(key, k -> new Acc(severity, kind, object, message));
    }

    /** Damage (the object is missing or corrupt) as opposed to a failing storage, which ends the check. */
    private static boolean isDamage(StreamVaultException e) {
        return !e.retryable() && (e.code() == ErrorCode.CORRUPT_OBJECT || e.code() == ErrorCode.OBJECT_NOT_FOUND
                || e.code() == ErrorCode.UNSUPPORTED);
    }

    private static String packObject(String pack) {
        return ObjectKind.PACK.objectName(pack);
    }

    // ---- snapshots and index

    private List<SnapshotRef> snapshots() {
        VaultListing listing = vault.list(ObjectKind.SNAPSHOT);
        for (String name : listing.foreign()) {
            problem("snapshot:" + name, Severity.ERROR, "snapshot", name, "object " + name
                    + " is not a snapshot: its name is not snapshots/<64 hex digits>");
        }
        List<String> names = new ArrayList<>();
        for (VaultObject o : listing.objects()) {
            names.add(o.name());
        }
        AtomicLong done = new AtomicLong();
        List<Object> loaded = parallel(listing.objects(), o -> {
            try {
                return vault.loadSnapshot(o.id());
            } catch (StreamVaultException e) {
                if (!isDamage(e)) {
                    throw e;
                }
                return e;
            } finally {
                progress.update("snapshots", done.incrementAndGet(), names.size(), bytesRead.get());
            }
        });
        List<SnapshotRef> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (loaded.get(i) instanceof SnapshotRef r) {
                out.add(r);
            } else {
                problem("snapshot:" + names.get(i), Severity.ERROR, "snapshot", names.get(i),
                        "snapshot " + names.get(i) + " cannot be read: " + ((Exception) loaded.get(i)).getMessage());
            }
        }
        out.sort(Comparator.comparingLong((SnapshotRef r) -> r.snapshot().timeNs()).thenComparing(SnapshotRef::id));
        return out;
    }

    private void loadIndex() {
        List<String> names = vault.listIndex();
        indexObjects = names.size();
        AtomicLong done = new AtomicLong();
        List<Object> parts = parallel(names, name -> {
            try {
                List<BlobLocation> entries = new ArrayList<>();
                vault.readIndex(name, entries::add);
                return entries;
            } catch (StreamVaultException e) {
                if (!isDamage(e)) {
                    throw e;
                }
                return e;
            } finally {
                progress.update("index", done.incrementAndGet(), names.size(), bytesRead.get());
            }
        });
        for (int i = 0; i < names.size(); i++) {
            if (parts.get(i) instanceof Exception e) {
                problem("index:" + names.get(i), Severity.ERROR, "index", names.get(i), "index object " + names.get(i)
                        + " cannot be read (the packs it records are reported as in no index): " + e.getMessage());
                continue;
            }
            @SuppressWarnings("unchecked")
            List<BlobLocation> entries = (List<BlobLocation>) parts.get(i);
            Map<String, Set<Long>> seen = new HashMap<>();
            for (BlobLocation l : entries) {
                index.putIfAbsent(new Key(l.id(), l.type()), l);
                List<BlobLocation> inPack = packEntries.computeIfAbsent(l.pack(), p -> new ArrayList<>());
                // the same pack in two index objects: keep its entries once
                if (seen.computeIfAbsent(l.pack(), p -> new HashSet<>()).add(l.offset())
                        && inPack.stream().noneMatch(e -> e.offset() == l.offset())) {
                    inPack.add(l);
                }
            }
        }
    }

    /**
     * Every zstd dictionary object must read back whole: blobs compressed with a damaged one cannot be
     * read (a read of the data names them).
     */
    private void checkDictionaries() {
        for (String name : vault.listDictionaries()) {
            try {
                vault.readDictionary(name);
            } catch (StreamVaultException e) {
                if (!isDamage(e)) {
                    throw e;
                }
                problem("dictionary:" + name, Severity.ERROR, "dictionary", name, "zstd dictionary " + name
                        + " cannot be read; the small blobs compressed with it cannot be restored: " + e.getMessage());
            }
        }
    }

    // ---- packs

    private void checkPacks() {
        VaultListing listing = vault.list(ObjectKind.PACK);
        for (String name : listing.foreign()) {
            problem("object:" + name, Severity.WARNING, "object", name,
                    "object " + name + " under data/ is not a pack name; it is ignored");
        }
        for (VaultObject o : listing.objects()) {
            packSizes.put(o.id(), o.size());
        }
        List<String> toRead = new ArrayList<>();
        for (Map.Entry<String, List<BlobLocation>> e : packEntries.entrySet()) {
            String pack = e.getKey();
            List<BlobLocation> entries = e.getValue();
            entries.sort(Comparator.comparingLong(BlobLocation::offset));
            Long size = packSizes.get(pack);
            if (size == null) {
                badPack(pack, "pack " + pack + " (" + packObject(pack) + ") is missing: the " + entries.size()
                        + " blobs the index records in it are lost");
                continue;
            }
            long records = 0;
            for (BlobLocation l : entries) {
                records += l.length();
            }
            long expected = Vault.packSize(entries.size(), records);
            if (size != expected) {
                badPack(pack, "pack " + pack + " (" + packObject(pack) + ") has " + size + " bytes, but its "
                        + entries.size() + " indexed blobs make " + expected + " (truncated, extended or replaced)");
                continue;
            }
            toRead.add(pack);
        }
        toRead.sort(null);
        AtomicLong done = new AtomicLong();
        List<Object> headers = parallel(toRead, pack -> {
            try {
                return vault.readPackHeader(pack);
            } catch (StreamVaultException e) {
                if (!isDamage(e)) {
                    throw e;
                }
                return e;
            } finally {
                progress.update("pack headers", done.incrementAndGet(), toRead.size(), bytesRead.get());
            }
        });
        for (int i = 0; i < toRead.size(); i++) {
            String pack = toRead.get(i);
            if (headers.get(i) instanceof Exception e) {
                badPack(pack, "pack " + pack + " (" + packObject(pack) + ") has an unreadable header: " + e.getMessage());
                continue;
            }
            @SuppressWarnings("unchecked")
            List<PackEntry> header = (List<PackEntry>) headers.get(i);
            String diff = compare(header, packEntries.get(pack));
            if (diff != null) {
                badPack(pack, "pack " + pack + " (" + packObject(pack) + "): its header and the index disagree: " + diff);
            }
        }
        List<String> unindexed = new ArrayList<>();
        for (String pack : packSizes.keySet()) {
            if (!packEntries.containsKey(pack)) {
                unindexed.add(pack);
            }
        }
        unindexed.sort(null);
        for (String pack : unindexed) {
            problem("unindexed:" + pack, Severity.WARNING, "pack", packObject(pack), "pack " + pack + " ("
                    + Sizes.bytes(packSizes.get(pack)) + ") is in no index: unreferenced (an interrupted upload, or"
                    + " its index object is damaged); no snapshot can use it until an index records it");
        }
    }

    private static String compare(List<PackEntry> header, List<BlobLocation> indexed) {
        if (header.size() != indexed.size()) {
            return "the header lists " + header.size() + " blobs, the index " + indexed.size();
        }
        for (int i = 0; i < header.size(); i++) {
            PackEntry h = header.get(i);
            BlobLocation l = indexed.get(i);
            if (!h.id().equals(l.id()) || h.type() != l.type() || h.offset() != l.offset() || h.length() != l.length()
                    || h.rawLength() != l.rawLength()) {
                return "blob " + i + " is " + h.type() + " " + h.id().shortHex() + " at " + h.offset() + "+" + h.length()
                        + " in the header, " + l.type() + " " + l.id().shortHex() + " at " + l.offset() + "+" + l.length()
                        + " in the index";
            }
        }
        return null;
    }

    private void badPack(String pack, String message) {
        String key = "pack:" + pack;
        problem(key, Severity.ERROR, "pack", packObject(pack), message);
        badPacks.putIfAbsent(pack, key);
    }

    // ---- trees

    private void walkTrees(List<SnapshotRef> snapshots) {
        List<BlobId> level = new ArrayList<>();
        Set<BlobId> queued = new HashSet<>();
        for (SnapshotRef s : snapshots) {
            if (queued.add(s.snapshot().tree())) {
                level.add(s.snapshot().tree());
            }
        }
        long[] done = {0};
        while (!level.isEmpty()) {
            List<BlobId> current = level;
            List<Object> read = parallel(current, this::readTree);
            level = new ArrayList<>();
            for (int i = 0; i < current.size(); i++) {
                BlobId id = current.get(i);
                progress.update("trees", ++done[0], done[0] + level.size() + (current.size() - i - 1), bytesRead.get());
                if (!(read.get(i) instanceof Tree tree)) {
                    trees.put(id, new TreeFacts(List.of(), Set.of(), false));
                    continue;
                }
                List<BlobId> subtrees = new ArrayList<>();
                Set<String> packs = new HashSet<>();
                boolean missing = false;
                for (BlobId part : tree.parts()) { // a split tree: its parts are checked as trees of their own
                    subtrees.add(part);
                    if (queued.add(part)) {
                        level.add(part);
                    }
                }
                for (Node node : tree.nodes()) {
                    if (node.type() == FileKind.DIR && node.subtree() != null) {
                        subtrees.add(node.subtree());
                        if (queued.add(node.subtree())) {
                            level.add(node.subtree());
                        }
                    }
                    for (BlobId c : node.content()) {
                        dataBlobs.add(c);
                        BlobLocation l = index.get(new Key(c, BlobType.DATA));
                        if (l == null) {
                            missing = true;
                            String key = "blob:" + c.hex();
                            problem(key, Severity.ERROR, "blob", "blob " + c.hex(),
                                    "data blob " + c.hex() + " is in no index: its content is lost");
                            badBlobs.put(new Key(c, BlobType.DATA), key);
                        } else {
                            packs.add(l.pack());
                        }
                    }
                }
                trees.put(id, new TreeFacts(subtrees, packs, missing));
            }
        }
    }

    /** Reads and decodes a tree, or records why it cannot be (and returns the problem's key). */
    private Object readTree(BlobId id) {
        Key key = new Key(id, BlobType.TREE);
        BlobLocation l;
        synchronized (this) {
            l = index.get(key);
            if (l == null) {
                String k = "blob:" + id.hex();
                problem(k, Severity.ERROR, "tree", "tree " + id.hex(), "tree " + id.hex() + " is in no index: the"
                        + " directory it lists is lost");
                badBlobs.put(key, k);
                return k;
            }
            if (badPacks.containsKey(l.pack())) {
                return badPacks.get(l.pack());
            }
        }
        try {
            byte[] plain = vault.readBlob(l);
            bytesRead.addAndGet(l.length());
            return vault.decodeTree(plain);
        } catch (StreamVaultException e) {
            if (!isDamage(e)) {
                throw e;
            }
            synchronized (this) {
                String k = "tree:" + id.hex();
                problem(k, Severity.ERROR, "tree", "tree " + id.hex(), "tree " + id.hex() + " in pack " + l.pack()
                        + " cannot be read: " + e.getMessage());
                badBlobs.put(key, k);
                return k;
            }
        }
    }

    // ---- data

    private void readData() {
        List<String> candidates = new ArrayList<>();
        for (String pack : packEntries.keySet()) {
            if (!badPacks.containsKey(pack)) {
                candidates.add(pack);
            }
        }
        candidates.sort(null);
        if (options.readDataFraction() < 1) {
            Collections.shuffle(candidates, new Random(options.seed()));
            int n = (int) Math.ceil(candidates.size() * options.readDataFraction());
            candidates = new ArrayList<>(candidates.subList(0, Math.min(candidates.size(), Math.max(1, n))));
        }
        List<String> packs = candidates;
        AtomicLong done = new AtomicLong();
        List<Object> results = parallel(packs, pack -> {
            List<Object> bad = new ArrayList<>();
            for (BlobLocation l : packEntries.get(pack)) {
                try {
                    vault.readBlob(l);
                } catch (StreamVaultException e) {
                    if (!isDamage(e)) {
                        throw e;
                    }
                    bad.add(l);
                    bad.add(e);
                }
                bytesRead.addAndGet(l.length());
            }
            progress.update("reading data", done.incrementAndGet(), packs.size(), bytesRead.get());
            return bad;
        });
        packsRead = packs.size();
        for (int i = 0; i < packs.size(); i++) {
            String pack = packs.get(i);
            blobsRead += packEntries.get(pack).size();
            @SuppressWarnings("unchecked")
            List<Object> bad = (List<Object>) results.get(i);
            if (bad.isEmpty()) {
                continue;
            }
            int count = bad.size() / 2;
            String key = "pack:" + pack;
            problem(key, Severity.ERROR, "pack", packObject(pack), "pack " + pack + " (" + packObject(pack) + "): "
                    + count + " of " + packEntries.get(pack).size() + " blobs are corrupt; first: "
                    + ((Exception) bad.get(1)).getMessage());
            packsWithCorruptBlobs.add(pack);
            for (int j = 0; j < bad.size(); j += 2) {
                BlobLocation l = (BlobLocation) bad.get(j);
                badBlobs.put(new Key(l.id(), l.type()), key);
            }
        }
        progress.update("reading data", packs.size(), packs.size(), bytesRead.get());
    }

    // ---- pass two: who is affected

    /** The problem key of a blob, or null when it is sound. */
    private String badKey(BlobId id, BlobType type) {
        Key k = new Key(id, type);
        String own = badBlobs.get(k);
        if (own != null) {
            return own;
        }
        BlobLocation l = index.get(k);
        if (l != null) {
            // a pack that is missing or broken as a whole spoils all its blobs; corrupt blobs are in badBlobs
            return badPacks.get(l.pack());
        }
        return null;
    }

    private boolean mayBeDirty(BlobId tree, Map<BlobId, Boolean> memo) {
        Boolean m = memo.get(tree);
        if (m != null) {
            return m;
        }
        memo.put(tree, false); // a cycle (impossible with content ids) must not loop
        boolean dirty = badKey(tree, BlobType.TREE) != null;
        TreeFacts f = trees.get(tree);
        if (!dirty && f != null) {
            dirty = f.missingData();
            for (String p : f.packs()) {
                dirty |= badPacks.containsKey(p) || packsWithCorruptBlobs.contains(p);
            }
            for (BlobId s : f.subtrees()) {
                dirty |= mayBeDirty(s, memo);
            }
        }
        memo.put(tree, dirty);
        return dirty;
    }

    private record Hit(String path, String key) {
    }

    private void attribute(List<SnapshotRef> snapshots) {
        Map<BlobId, Boolean> dirty = new HashMap<>();
        Map<BlobId, List<Hit>> memo = new HashMap<>();
        long done = 0;
        for (SnapshotRef s : snapshots) {
            progress.update("finding affected files", ++done, snapshots.size(), bytesRead.get());
            BlobId top = s.snapshot().tree();
            if (!mayBeDirty(top, dirty)) {
                continue;
            }
            String shortId = s.id().substring(0, 8);
            for (Hit h : hits(top, dirty, memo)) {
                // the top tree holds one directory node named after the backed-up directory: strip it
                String p = h.path();
                int slash = p.indexOf('/');
                String rel = slash < 0 || slash == p.length() - 1 ? "(the whole snapshot)" : p.substring(slash + 1);
                problems.get(h.key()).affects(shortId, rel);
            }
        }
    }

    /** Damaged things reachable from a tree, as paths relative to it ("" for the tree itself). */
    private List<Hit> hits(BlobId tree, Map<BlobId, Boolean> dirty, Map<BlobId, List<Hit>> memo) {
        List<Hit> cached = memo.get(tree);
        if (cached != null) {
            return cached;
        }
        List<Hit> out = new ArrayList<>();
        String own = badKey(tree, BlobType.TREE);
        if (own != null) {
            out.add(new Hit("", own));
        } else {
            Tree t = null;
            try {
                t = vault.decodeTree(vault.readBlob(index.get(new Key(tree, BlobType.TREE))));
            } catch (StreamVaultException e) {
                if (!isDamage(e)) {
                    throw e;
                }
                String k = "tree:" + tree.hex();
                problem(k, Severity.ERROR, "tree", "tree " + tree.hex(), "tree " + tree.hex() + " cannot be read: "
                        + e.getMessage());
                out.add(new Hit("", k));
            }
            if (t != null) {
                for (BlobId part : t.parts()) { // entries of a split tree are in the same directory
                    if (mayBeDirty(part, dirty)) {
                        out.addAll(hits(part, dirty, memo));
                    }
                }
                for (Node node : t.nodes()) {
                    String name = RawPaths.display(node.name());
                    Set<String> keys = new LinkedHashSet<>();
                    for (BlobId c : node.content()) {
                        String k = badKey(c, BlobType.DATA);
                        if (k != null) {
                            keys.add(k);
                        }
                    }
                    for (String k : keys) {
                        out.add(new Hit(name, k));
                    }
                    if (node.type() == FileKind.DIR && node.subtree() != null && mayBeDirty(node.subtree(), dirty)) {
                        for (Hit h : hits(node.subtree(), dirty, memo)) {
                            out.add(new Hit(h.path().isEmpty() ? name + "/" : name + "/" + h.path(), h.key()));
                        }
                    }
                }
            }
        }
        memo.put(tree, out);
        return out;
    }

    // ---- parallel reads

    /** fn over items on the pool, results in item order; the first exception thrown by fn is rethrown. */
    private <T> List<Object> parallel(List<T> items, Function<T, Object> fn) {
        List<Future<Object>> futures = new ArrayList<>(items.size());
        for (T t : items) {
            futures.add(pool.submit(() -> fn.apply(t)));
        }
        List<Object> out = new ArrayList<>(items.size());
        RuntimeException first = null;
        for (Future<Object> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                RuntimeException c = e.getCause() instanceof RuntimeException r ? r
                        : new FatalException(ErrorCode.INTERNAL, "check failed: " + e.getCause(), e.getCause());
                if (first == null) {
                    first = c;
                    futures.forEach(x -> x.cancel(true));
                }
                out.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FatalException(ErrorCode.CANCELLED, "check interrupted", e);
            } catch (java.util.concurrent.CancellationException e) {
                out.add(null);
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }
}
