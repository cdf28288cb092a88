package io.streamvault.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamvault.broker.LocalBroker;
import io.streamvault.common.fs.FileKind;
import io.streamvault.common.kafka.TopicSpec;
import io.streamvault.schemas.SchemaRegistries;
import io.streamvault.schemas.Topics;
import io.streamvault.vault.BlobId;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.Node;
import io.streamvault.vault.SnapshotRef;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Tree;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first issue's acceptance: a backup through the whole pipeline, restored exactly. */
class BackupRestoreIT {
    private static final String SEGMENT = "chunker.segment.bytes=" + (16 << 20);
    @TempDir
    Path tmp;

    private Path passwordFile() throws IOException {
        return Files.writeString(tmp.resolve("password"), "correct horse battery staple\n");
    }

    @Test
    void embeddedDefaultBacksUpAndRestoresEveryCase() throws Exception {
        Path src = tmp.resolve("src");
        SourceTree.full(src, 1);
        Path vault = tmp.resolve("vault");
        Path state = tmp.resolve("state");
        Path pw = passwordFile();
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());

        Cli.Result backup = Cli.run("backup", src, "--vault", vault, "--state-dir", state, "--password-file", pw,
                "--json", "-o", SEGMENT);
        assertEquals(0, backup.code(), backup.toString());
        JsonNode s = backup.json();
        assertTrue(s.get("snapshot").asText().matches("[0-9a-f]{64}"), backup.toString());
        long files = countFiles(src);
        assertEquals(files, s.get("files_new").asLong(), "every regular file is new in the first backup");
        assertEquals(0, s.get("files_unmodified").asLong());
        assertEquals(totalSize(src), s.get("total_bytes").asLong());
        assertEquals(totalSize(src), s.get("bytes_read").asLong(), "a first backup reads every byte once");
        assertTrue(s.get("bytes_added").asLong() > 40 << 20, "the random data is stored");
        assertTrue(s.get("bytes_added").asLong() < totalSize(src), "duplicates and holes are stored once");
        assertTrue(s.get("duration_ms").asLong() > 0);

        Path out = tmp.resolve("restored");
        Cli.Result restore = Cli.run("restore", "latest", "--target", out, "--vault", vault, "--password-file", pw);
        assertEquals(0, restore.code(), restore.toString());
        TreeAssert.assertSameTree(src, out);
        long allocated = SourceTree.allocated(out.resolve(SourceTree.SPARSE));
        assertTrue(allocated < 8L << 20, "the hole stays a hole: " + allocated + " bytes allocated of 64 MiB");

        Cli.Result byPrefix = Cli.run("restore", s.get("snapshot").asText().substring(0, 10), "--target",
                tmp.resolve("restored-2"), "--vault", vault, "--password-file", pw);
        assertEquals(0, byPrefix.code(), byPrefix.toString());
        TreeAssert.assertSameTree(src, tmp.resolve("restored-2"));
    }

    @Test
    void separateBrokerCarriesRecordsOnEveryTopicAndASecondBackupAddsNoPackBytes() throws Exception {
        Path src = tmp.resolve("src");
        SourceTree.full(src, 2);
        Path vault = tmp.resolve("vault");
        Path pw = passwordFile();
        assertEquals(0, Cli.run("init", "--vault", vault, "--password-file", pw).code());
        try (LocalBroker broker = LocalBroker.acquire(tmp.resolve("cluster"))) {
            Object[] common = {"--vault", vault, "--state-dir", tmp.resolve("client-state"), "--password-file", pw,
                "--bootstrap-servers", broker.bootstrapServers(), "--json", "-o", SEGMENT};
            Cli.Result first = Cli.run(concat(new Object[] {"backup", src}, common));
            assertEquals(0, first.code(), first.toString());
            String vaultId;
            try (Vault v = Vault.open(Storages.open(vault.toString()), "correct horse battery staple".toCharArray())) {
                vaultId = v.id();
                assertAllChunksStored(v, v.loadSnapshot(first.json().get("snapshot").asText()));
            }
            Map<String, Long> counts = recordCounts(broker.bootstrapServers(), vaultId);
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                // dead letters only when something is wrong; the gc topics only during a collection (below);
                // plan-runs only with plans (PlansIT), copy-status only with a copier (CopyIT)
                if (!e.getKey().endsWith("dead-letters") && !e.getKey().contains(".gc-") && !e.getKey().endsWith(".plan-runs")
                        && !e.getKey().endsWith(".copy-status")) {
                    assertTrue(e.getValue() > 0, "no record crossed " + e.getKey() + ": " + counts);
                }
            }
            long packBytes = dirSize(vault.resolve("data"));

            Cli.Result second = Cli.run(concat(new Object[] {"backup", src}, common));
            assertEquals(0, second.code(), second.toString());
            assertNotEquals(first.json().get("snapshot").asText(), second.json().get("snapshot").asText());
            assertEquals(packBytes, dirSize(vault.resolve("data")), "the second backup of the same data adds no pack bytes");
            assertEquals(0, second.json().get("bytes_added").asLong());

            Cli.Result list = Cli.run("snapshots", "--vault", vault, "--password-file", pw, "--json");
            assertEquals(0, list.code(), list.toString());
            assertEquals(2, list.json().size());

            Cli.Result gc = Cli.run(concat(new Object[] {"gc"}, common));
            assertEquals(0, gc.code(), gc.toString());
            for (Map.Entry<String, Long> e : recordCounts(broker.bootstrapServers(), vaultId).entrySet()) {
                if (e.getKey().contains(".gc-")) {
                    assertTrue(e.getValue() > 0, "no record crossed " + e.getKey() + " during a collection");
                }
            }
        }
    }

    /**
     * Small files: the first backup trains a zstd dictionary from its first 4 MiB of them and stores
     * it; the next backup (another process) compresses its small files with it. Restores are exact, a
     * check reads it all, and a damaged dictionary is reported by name, by check and by restore.
     */
    @Test
    void smallFilesAreCompressedWithATrainedDictionary() throws Exception {
        Path src = tmp.resolve("src");
        Random r = new Random(11);
        writeTextFiles(src.resolve("first"), 700, r);
        Path vault = tmp.resolve("vault");
        Path pw = passwordFile();
        Object[] common = {"--vault", vault, "--password-file", pw};
        assertEquals(0, Cli.run(concat(new Object[] {"init"}, common)).code());
        Cli.Result first = Cli.run(concat(new Object[] {"backup", src, "--state-dir", tmp.resolve("state"), "--json"},
                common));
        assertEquals(0, first.code(), first.toString());
        List<Path> dicts;
        try (Stream<Path> l = Files.list(vault.resolve("dicts"))) {
            dicts = l.toList();
        }
        assertEquals(1, dicts.size(), "one dictionary, trained in the first backup: " + dicts);

        writeTextFiles(src.resolve("second"), 300, r);
        Cli.Result second = Cli.run(concat(new Object[] {"backup", src, "--state-dir", tmp.resolve("state"), "--json"},
                common));
        assertEquals(0, second.code(), second.toString());
        assertEquals(300, second.json().get("files_new").asLong());
        try (Stream<Path> l = Files.list(vault.resolve("dicts"))) {
            assertEquals(1, l.count(), "the second backup uses the dictionary, it does not train another");
        }
        Cli.Result restore = Cli.run(concat(new Object[] {"restore", "latest", "--target", tmp.resolve("out")},
                common));
        assertEquals(0, restore.code(), restore.toString());
        TreeAssert.assertSameTree(src, tmp.resolve("out"));
        Cli.Result check = Cli.run(concat(new Object[] {"check", "--read-data"}, common));
        assertEquals(0, check.code(), check.toString());

        byte[] good = Files.readAllBytes(dicts.get(0));
        byte[] bad = good.clone();
        bad[100] ^= 1;
        Files.write(dicts.get(0), bad);
        String name = "dicts/" + dicts.get(0).getFileName();
        Cli.Result damaged = Cli.run(concat(new Object[] {"check"}, common));
        assertNotEquals(0, damaged.code(), damaged.toString());
        assertTrue(damaged.toString().contains(name), damaged.toString());
        Cli.Result lost = Cli.run(concat(new Object[] {"restore", "latest", "--target", tmp.resolve("out-2")},
                common));
        assertNotEquals(0, lost.code(), "the files of the second backup need the dictionary: " + lost);
        assertTrue(lost.toString().contains("needs zstd dictionary"), lost.toString());
    }

    /**
     * Source-like text files of 2-14 KB: a licence header, then the same few hundred words in a
     * different order in each.
     */
    private static void writeTextFiles(Path dir, int n, Random r) throws IOException {
        Files.createDirectories(dir);
        String[] words = new String[300];
        Random w = new Random(5);
        for (int i = 0; i < words.length; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = 0, len = 2 + w.nextInt(8); j < len; j++) {
                b.append((char) ('a' + w.nextInt(26)));
            }
            words[i] = b.toString();
        }
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder("/*\n * Copyright 2026 The Authors. Licensed under the Apache License,"
                    + " Version 2.0. You may not use this file except in compliance with the License. Unless"
                    + " required by applicable law or agreed to in writing, software distributed under the License"
                    + " is distributed on an \"AS IS\" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.\n */\n");
            for (int len = 2000 + r.nextInt(12000); b.length() < len; ) {
                b.append(words[(int) Math.abs(r.nextGaussian() * 60) % words.length])
                        .append(r.nextInt(8) == 0 ? ";\n" : " ");
            }
            Files.writeString(dir.resolve("f" + i + ".txt"), b);
        }
    }

    static void assertAllChunksStored(Vault v, SnapshotRef snap) {
        MasterIndex index = v.loadIndex();
        List<BlobId> trees = new ArrayList<>(List.of(snap.snapshot().tree()));
        int chunks = 0;
        while (!trees.isEmpty()) {
            BlobId t = trees.remove(trees.size() - 1);
            Tree tree = v.decodeTree(v.readBlob(index.find(t).orElseThrow(() -> new AssertionError("tree " + t + " not indexed"))));
            for (Node n : tree.nodes()) {
                if (n.type() == FileKind.DIR) {
                    trees.add(n.subtree());
                }
                for (BlobId id : n.content()) {
                    var loc = index.find(id).orElseThrow(() -> new AssertionError("chunk " + id + " not in a pack"));
                    assertTrue(Files.exists(Path.of(v.location().replace("file://", ""))
                            .resolve("data").resolve(loc.pack().substring(0, 2)).resolve(loc.pack())));
                    chunks++;
                }
            }
        }
        assertTrue(chunks > 50, "the snapshot references its chunks: " + chunks);
    }

    static Map<String, Long> recordCounts(String bootstrap, String vaultId) {
        Topics topics = new Topics("sv", vaultId, 4, (short) 1, SchemaRegistries.inMemory());
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        Map<String, Long> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (TopicSpec<?, ?> t : topics.all()) {
                List<TopicPartition> parts = new ArrayList<>();
                c.partitionsFor(t.name()).forEach(pi -> parts.add(new TopicPartition(t.name(), pi.partition())));
                long n = 0;
                for (Map.Entry<TopicPartition, Long> e : c.endOffsets(parts).entrySet()) {
                    n += e.getValue() - c.beginningOffsets(List.of(e.getKey())).get(e.getKey());
                }
                out.put(t.name(), n);
            }
        }
        return out;
    }

    static long countFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
        }
    }

    static long totalSize(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).sum();
        }
    }

    static long dirSize(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static Object[] concat(Object[] a, Object[] b) {
        Object[] out = new Object[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
