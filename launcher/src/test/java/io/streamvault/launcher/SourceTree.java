package io.streamvault.launcher;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Posix;
import io.streamvault.common.fs.RawPaths;
import io.streamvault.common.fs.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Builds source trees holding every kind of entry and metadata a backup must keep. */
public final class SourceTree {
    public static final byte[] INVALID_UTF8 = {(byte) 0xff, (byte) 0xfe, 'x', '-', (byte) 0x80};
    public static final String SPARSE = "sparse.img";

    private SourceTree() {
    }

    /** Every case of the first issue: contents, types, modes, owners, ns times, links, xattrs, holes, odd names. */
    public static void full(Path root, long seed) throws IOException {
        Random rnd = new Random(seed);
        Files.createDirectories(root);
        write(root.resolve("small.txt"), "hello, vault\n".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("empty"), new byte[0]);
        byte[] random = bytes(rnd, 3 << 20);
        write(root.resolve("random-3m.bin"), random);
        write(root.resolve("copy-of-random.bin"), random);
        write(root.resolve("big-40m.bin"), bytes(rnd, 40 << 20));
        try (FileChannel ch = FileChannel.open(root.resolve(SPARSE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes(rnd, 1 << 20)), 32L << 20);
            ch.write(ByteBuffer.wrap(new byte[] {1}), (64L << 20) - 1);
        }
        Files.createDirectories(root.resolve("dir-empty"));
        Path setgid = Files.createDirectories(root.resolve("setgid-dir"));
        write(setgid.resolve("inside"), bytes(rnd, 5000));
        Posix.chmod(setgid, 02775);
        Path setuid = write(root.resolve("setuid-file"), bytes(rnd, 100));
        Posix.chmod(setuid, 04755);
        Posix.chmod(Files.createDirectories(root.resolve("sticky-dir")), 01777);
        Posix.chmod(write(root.resolve("private"), bytes(rnd, 10)), 0600);
        Posix.chmod(write(root.resolve("read-only"), bytes(rnd, 10)), 0444);
        Posix.chmod(write(root.resolve("no-permissions"), bytes(rnd, 10)), 0);
        Path owned = write(root.resolve("owned"), bytes(rnd, 10));
        if (Posix.isRoot()) {
            Posix.chown(owned, 1234, 5678);
        }
        Posix.symlink(root.resolve("link-relative"), "small.txt".getBytes(StandardCharsets.UTF_8));
        Posix.symlink(root.resolve("link-absolute"), "/etc/hostname".getBytes(StandardCharsets.UTF_8));
        Posix.symlink(root.resolve("link-dangling"), "does/not/exist".getBytes(StandardCharsets.UTF_8));
        if (Posix.isRoot()) {
            Posix.chown(root.resolve("link-dangling"), 4321, 8765);
        }
        Path hard = write(root.resolve("hard-1"), bytes(rnd, 7000));
        Files.createLink(root.resolve("hard-2"), hard);
        Path sub = Files.createDirectories(root.resolve("deep/a/b/c/d"));
        Files.createLink(sub.resolve("hard-3"), hard);
        write(sub.resolve("file"), bytes(rnd, 12345));
        Path x = write(root.resolve("with-xattrs"), bytes(rnd, 100));
        Posix.setXattr(x, new Xattr("user.one".getBytes(StandardCharsets.UTF_8), "first".getBytes(StandardCharsets.UTF_8)));
        Posix.setXattr(x, new Xattr("user.binary".getBytes(StandardCharsets.UTF_8), new byte[] {0, (byte) 0xff, 10, 0}));
        Posix.setXattr(root.resolve("deep"), new Xattr("user.dir".getBytes(StandardCharsets.UTF_8), "on a directory".getBytes(StandardCharsets.UTF_8)));
        write(root.resolve("new\nline"), bytes(rnd, 50));
        write(RawPaths.resolve(root, INVALID_UTF8), bytes(rnd, 60));
        Path odd = Files.createDirectories(RawPaths.resolve(root, "dïr ünïcødé ✓".getBytes(StandardCharsets.UTF_8)));
        write(odd.resolve("spaces and 'quotes' \"too\""), bytes(rnd, 70));
        Posix.mknod(root.resolve("fifo"), FileKind.FIFO, 0640, 0);
        setTimes(root, rnd);
    }

    /** Gives every entry a distinct mtime with a nanosecond part, children before their directory. */
    public static void setTimes(Path root, Random rnd) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : all) {
            long t = 1_500_000_000L * 1_000_000_000L + (long) (rnd.nextDouble() * 200_000_000L * 1_000_000_000L);
            Posix.setTimes(p, t - 1000, t);
        }
    }

    public static Path write(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.write(p, data);
    }

    public static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** Allocated bytes of a file (st_blocks * 512), from stat(1). */
    public static long allocated(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        proc.waitFor();
        return Long.parseLong(out) * 512;
    }
}
