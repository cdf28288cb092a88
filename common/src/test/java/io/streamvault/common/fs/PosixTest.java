package io.streamvault.common.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixTest {
    private static final byte[] BAD_UTF8 = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, '\n'};

    private static Path odd(Path dir, String prefix) {
        byte[] p = prefix.getBytes(UTF_8);
        byte[] name = new byte[p.length + BAD_UTF8.length];
        System.arraycopy(p, 0, name, 0, p.length);
        System.arraycopy(BAD_UTF8, 0, name, p.length, BAD_UTF8.length);
        return RawPaths.resolve(dir, name);
    }

    @Test
    void lstatMatchesTheJdk(@TempDir Path dir) throws IOException {
        Path f = odd(dir, "file");
        Files.write(f, new byte[12345]);
        Files.createLink(dir.resolve("hardlink"), f);
        FileMeta m = Posix.lstat(f);
        Map<String, Object> jdk = Files.readAttributes(f, "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertEquals(FileKind.FILE, m.kind());
        assertEquals(12345, m.size());
        assertEquals(2, m.nlink());
        assertEquals((int) (Integer) jdk.get("mode") & 07777, m.mode());
        assertEquals(jdk.get("ino"), m.inode());
        assertEquals(jdk.get("dev"), m.dev());
        assertEquals(jdk.get("uid"), m.uid());
        assertEquals(jdk.get("gid"), m.gid());
        assertEquals(0, m.rdev());
        assertEquals(((FileTime) jdk.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), m.mtimeNs());
        assertEquals(((FileTime) jdk.get("ctime")).to(TimeUnit.NANOSECONDS), m.ctimeNs());

        FileMeta d = Posix.lstat(dir);
        assertEquals(FileKind.DIR, d.kind());
        assertEquals(m.dev(), d.dev());

        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, Path.of("file-that-is-not-there"));
        FileMeta l = Posix.lstat(link);
        assertEquals(FileKind.SYMLINK, l.kind());
        assertEquals("file-that-is-not-there".length(), l.size());
    }

    @Test
    void lstatOfSpecialFiles(@TempDir Path dir) throws IOException {
        FileMeta nul = Posix.lstat(Path.of("/dev/null"));
        assertEquals(FileKind.CHAR_DEVICE, nul.kind());
        assertEquals(1, Posix.major(nul.rdev()));
        assertEquals(3, Posix.minor(nul.rdev()));
        assertEquals(Posix.makedev(1, 3), nul.rdev());

        Path sock = dir.resolve("sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(sock));
            assertEquals(FileKind.SOCKET, Posix.lstat(sock).kind());
        }
    }

    @Test
    void lstatOfARelativePath() throws IOException {
        Path rel = Path.of("pom.xml"); // the module directory is the working directory of the tests
        assumeTrue(Files.isRegularFile(rel));
        assertEquals(Files.size(rel), Posix.lstat(rel).size());
        Posix.xattrs(rel); // resolved like the JDK resolves it: no exception
    }

    @Test
    void makedevMatchesGlibc() {
        assertEquals(0x0103L, Posix.makedev(1, 3));
        assertEquals(0x0803L, Posix.makedev(8, 3)); // sda3
        long dev = Posix.makedev(0x12345, 0x6789ab);
        assertEquals(0x12345, Posix.major(dev));
        assertEquals(0x6789ab, Posix.minor(dev));
        // glibc: major in bits 8..19 and 44..63, minor in bits 0..7 and 20..43
        assertEquals(0x0001_2006_7893_45abL, dev);
        assertEquals(0xffff_f000_000f_ff00L, Posix.makedev(0xffffffffL, 0));
        assertEquals(0x0000_0fff_fff0_00ffL, Posix.makedev(0, 0xffffffffL));
        assertEquals(0xffffffffL, Posix.major(0xffff_f000_000f_ff00L));
        assertEquals(0xffffffffL, Posix.minor(0x0000_0fff_fff0_00ffL));
    }

    @Test
    void setTimesToTheNanosecond(@TempDir Path dir) throws IOException {
        Path f = odd(dir, "f");
        Files.write(f, new byte[] {1});
        Path d = odd(dir, "d");
        Files.createDirectory(d);
        Path link = odd(dir, "l");
        Posix.symlink(link, "dangling/target".getBytes(UTF_8));

        long atime = 1_234_567_890_123_456_789L;
        long mtime = 987_654_321_987_654_321L;
        for (Path p : List.of(f, d, link)) {
            Posix.setTimes(p, atime, mtime);
            FileMeta m = Posix.lstat(p);
            assertEquals(mtime, m.mtimeNs(), RawPaths.display(p));
            assertEquals(atime, m.atimeNs(), RawPaths.display(p));
            atime += 1;
            mtime += 7;
        }
        assertFalse(Files.exists(dir.resolve("dangling")));
        // the symlink's own times, not those of what it points to: point one at the file
        Path link2 = dir.resolve("l2");
        Posix.symlink(link2, RawPaths.fileName(f));
        Posix.setTimes(link2, 5_000_000_001L, 6_000_000_002L);
        assertEquals(6_000_000_002L, Posix.lstat(link2).mtimeNs());
        assertEquals(5_000_000_001L, Posix.lstat(link2).atimeNs());
        assertEquals(1_234_567_890_123_456_789L, Posix.lstat(f).atimeNs());
        assertEquals(987_654_321_987_654_321L, Posix.lstat(f).mtimeNs());
        // before 1970
        Posix.setTimes(f, -1_500_000_000L, -86_400_000_000_001L);
        assertEquals(-86_400_000_000_001L, Posix.lstat(f).mtimeNs());
        assertEquals(-1_500_000_000L, Posix.lstat(f).atimeNs());
    }

    @Test
    void chmodKeepsSpecialBits(@TempDir Path dir) throws IOException {
        Path f = odd(dir, "f");
        Files.write(f, new byte[] {1});
        Path d = odd(dir, "d");
        Files.createDirectory(d);
        for (int mode : new int[] {02755, 04755, 06711, 0600, 0}) {
            Posix.chmod(f, mode);
            assertEquals(mode, Posix.lstat(f).mode(), Integer.toOctalString(mode));
        }
        for (int mode : new int[] {01777, 02775, 0700}) {
            Posix.chmod(d, mode);
            assertEquals(mode, Posix.lstat(d).mode(), Integer.toOctalString(mode));
        }
    }

    @Test
    void lchownChangesTheLinkNotTheTarget(@TempDir Path dir) throws IOException {
        assumeTrue(Posix.isRoot(), "chown to another uid needs root");
        Path f = dir.resolve("target");
        Files.write(f, new byte[] {1});
        Path link = odd(dir, "link");
        Posix.symlink(link, "target".getBytes(UTF_8));
        FileMeta before = Posix.lstat(f);
        Posix.chown(link, 12345, 23456);
        FileMeta l = Posix.lstat(link);
        assertEquals(12345, l.uid());
        assertEquals(23456, l.gid());
        FileMeta after = Posix.lstat(f);
        assertEquals(before.uid(), after.uid());
        assertEquals(before.gid(), after.gid());
        Posix.chown(f, 54321, 65432);
        assertEquals(54321, Posix.lstat(f).uid());
        assertEquals(65432, Posix.lstat(f).gid());
    }

    @Test
    void lchownToOneselfWorksForAnyone(@TempDir Path dir) throws IOException {
        Path link = odd(dir, "link");
        Posix.symlink(link, "nowhere".getBytes(UTF_8));
        FileMeta m = Posix.lstat(link);
        Posix.chown(link, m.uid(), m.gid());
        assertEquals(m.uid(), Posix.lstat(link).uid());
    }

    @Test
    void isRootAgreesWithProc() throws IOException {
        String uidLine = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(s -> s.startsWith("Uid:")).findFirst().orElseThrow();
        String euid = uidLine.split("\\s+")[2];
        assertEquals(euid.equals("0"), Posix.isRoot());
    }

    @Test
    void mkfifo(@TempDir Path dir) throws IOException {
        Path p = odd(dir, "fifo");
        Posix.mknod(p, FileKind.FIFO, 0640, 0);
        FileMeta m = Posix.lstat(p);
        assertEquals(FileKind.FIFO, m.kind());
        assertEquals(0, m.rdev());
        Posix.chmod(p, 0604);
        assertEquals(0604, Posix.lstat(p).mode());
        assertThrows(FileAlreadyExistsException.class, () -> Posix.mknod(p, FileKind.FIFO, 0640, 0));
        assertThrows(FatalException.class, () -> Posix.mknod(dir.resolve("x"), FileKind.FILE, 0640, 0));
    }

    @Test
    void mknodDevices(@TempDir Path dir) throws IOException {
        assumeTrue(Posix.isRoot(), "mknod of a device needs root");
        Path c = dir.resolve("null-copy");
        try {
            Posix.mknod(c, FileKind.CHAR_DEVICE, 0666, Posix.makedev(1, 3));
        } catch (AccessDeniedException e) {
            assumeTrue(false, "no CAP_MKNOD here (a container): " + e.getMessage());
        }
        FileMeta m = Posix.lstat(c);
        assertEquals(FileKind.CHAR_DEVICE, m.kind());
        assertEquals(Posix.makedev(1, 3), m.rdev());
        Path b = dir.resolve("blk");
        long dev = Posix.makedev(259, 70000); // minor above 255 exercises the high bits
        Posix.mknod(b, FileKind.BLOCK_DEVICE, 0600, dev);
        FileMeta bm = Posix.lstat(b);
        assertEquals(FileKind.BLOCK_DEVICE, bm.kind());
        assertEquals(dev, bm.rdev());
        assertEquals(259, Posix.major(bm.rdev()));
        assertEquals(70000, Posix.minor(bm.rdev()));
    }

    @Test
    void readlinkOfADanglingLinkWithAnInvalidUtf8Target(@TempDir Path dir) throws IOException {
        byte[] target = {'.', '/', 'n', 'o', (byte) 0xff, (byte) 0xfe, '\n', 'x', (byte) 0xc3};
        Path link = odd(dir, "link");
        Posix.symlink(link, target);
        assertArrayEquals(target, Posix.readlink(link));
        assertArrayEquals(target, RawPaths.bytes(Files.readSymbolicLink(link))); // the JDK agrees
        assertEquals(FileKind.SYMLINK, Posix.lstat(link).kind());
        assertEquals(target.length, Posix.lstat(link).size());
        assertFalse(Files.exists(link));
        // long target: more than the first buffer
        byte[] lng = new byte[3000];
        for (int i = 0; i < lng.length; i++) {
            lng[i] = (byte) (i % 50 == 49 ? '/' : 'a' + i % 26);
        }
        Path link2 = dir.resolve("long");
        Posix.symlink(link2, lng);
        assertArrayEquals(lng, Posix.readlink(link2));
        assertThrows(FileAlreadyExistsException.class, () -> Posix.symlink(link2, lng));
        assertThrows(FatalException.class, () -> Posix.symlink(dir.resolve("z"), new byte[] {'a', 0}));
    }

    /** Whether user.* xattrs can be written here, probed through the JDK. */
    private static boolean userXattrs(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, "probe", "");
            Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class).write("probe",
                    ByteBuffer.wrap(new byte[] {1}));
            Files.delete(probe);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static List<Xattr> userOnly(List<Xattr> all) {
        List<Xattr> r = new ArrayList<>();
        for (Xattr x : all) {
            if (new String(x.name(), UTF_8).startsWith("user.")) {
                r.add(x);
            }
        }
        return r;
    }

    @Test
    void xattrsOnAFileAndADirectory(@TempDir Path dir) throws IOException {
        assumeTrue(userXattrs(dir), "this file system refuses user xattrs");
        Path f = odd(dir, "f");
        Files.write(f, new byte[] {1});
        Path d = odd(dir, "d");
        Files.createDirectory(d);
        byte[] big = new byte[1500]; // ext4 keeps all xattrs of an inode in one block
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        for (Path p : List.of(f, d)) {
            assertEquals(List.of(), userOnly(Posix.xattrs(p)));
            // set in an order that is not the sorted one
            Posix.setXattr(p, new Xattr(b("user.zeta"), new byte[] {0, 1, 2, (byte) 0xff}));
            Posix.setXattr(p, new Xattr(b("user.alpha"), b("one")));
            Posix.setXattr(p, new Xattr(b("user.empty"), new byte[0]));
            Posix.setXattr(p, new Xattr(new byte[] {'u', 's', 'e', 'r', '.', (byte) 0xff}, b("raw name")));
            Posix.setXattr(p, new Xattr(b("user.big"), big));
            Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write("viajdk",
                    ByteBuffer.wrap(b("from the JDK")));
            List<Xattr> expected = List.of(
                    new Xattr(b("user.alpha"), b("one")),
                    new Xattr(b("user.big"), big),
                    new Xattr(b("user.empty"), new byte[0]),
                    new Xattr(b("user.viajdk"), b("from the JDK")),
                    new Xattr(b("user.zeta"), new byte[] {0, 1, 2, (byte) 0xff}),
                    new Xattr(new byte[] {'u', 's', 'e', 'r', '.', (byte) 0xff}, b("raw name")));
            assertEquals(expected, userOnly(Posix.xattrs(p)), RawPaths.display(p));
            // replace a value
            Posix.setXattr(p, new Xattr(b("user.alpha"), b("two")));
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
            ByteBuffer buf = ByteBuffer.allocate(16);
            v.read("alpha", buf);
            assertEquals("two", new String(buf.array(), 0, buf.position(), UTF_8));
        }
    }

    @Test
    void xattrsOfASymlinkDoNotFollowIt(@TempDir Path dir) throws IOException {
        assumeTrue(userXattrs(dir), "this file system refuses user xattrs");
        Path f = dir.resolve("target");
        Files.write(f, new byte[] {1});
        Posix.setXattr(f, new Xattr(b("user.onlyonthetarget"), b("x")));
        Path link = odd(dir, "link");
        Posix.symlink(link, b("target"));
        assertEquals(List.of(), userOnly(Posix.xattrs(link)));
        Path dangling = dir.resolve("dangling");
        Posix.symlink(dangling, b("nowhere"));
        assertEquals(List.of(), userOnly(Posix.xattrs(dangling)));
        // user.* on a symlink is refused by Linux: the error names the link
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> Posix.setXattr(link, new Xattr(b("user.x"), b("y"))));
        assertTrue(e.getMessage().contains(RawPaths.display(link)), e.getMessage());
    }

    @Test
    void errorsNameThePathAndFollowTheJdkMapping(@TempDir Path dir) throws IOException {
        Path missing = odd(dir, "missing");
        String shown = RawPaths.display(missing);
        assertTrue(shown.endsWith("bad\\xff\\xfe\\n"), shown);
        List<ThrowingRunnable> ops = List.of(
                () -> Posix.lstat(missing),
                () -> Posix.readlink(missing),
                () -> Posix.xattrs(missing),
                () -> Posix.setXattr(missing, new Xattr(b("user.a"), b("b"))),
                () -> Posix.setTimes(missing, 0, 0),
                () -> Posix.chown(missing, 0, 0),
                () -> Posix.chmod(missing, 0644));
        for (ThrowingRunnable op : ops) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, op::run);
            assertEquals(shown, e.getFile());
            assertTrue(e.getMessage().contains(shown), e.getMessage());
        }
        Path file = dir.resolve("file");
        Files.write(file, new byte[] {1});
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> Posix.readlink(file)); // EINVAL: not a symlink
        assertTrue(e.getMessage().contains("readlink"), e.getMessage());
        assertThrows(FileAlreadyExistsException.class, () -> Posix.symlink(file, b("x")));
        FatalException bad = assertThrows(FatalException.class,
                () -> Posix.setXattr(file, new Xattr(new byte[] {'u', 0}, b("x"))));
        assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());
    }

    @Test
    void accessDeniedAsNonRoot(@TempDir Path dir) throws IOException {
        assumeTrue(!Posix.isRoot(), "root is never denied");
        Path f = dir.resolve("f");
        Files.write(f, new byte[] {1});
        assertThrows(AccessDeniedException.class, () -> Posix.chown(f, 0, 0));
    }

    @Test
    void xattrEqualityIsByContent() {
        assertEquals(new Xattr(b("user.a"), b("v")), new Xattr(b("user.a"), b("v")));
        assertEquals(new Xattr(b("user.a"), b("v")).hashCode(), new Xattr(b("user.a"), b("v")).hashCode());
        assertFalse(new Xattr(b("user.a"), b("v")).equals(new Xattr(b("user.a"), b("w"))));
        assertEquals("Xattr[user.a=\\xff]", new Xattr(b("user.a"), new byte[] {(byte) 0xff}).toString());
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
