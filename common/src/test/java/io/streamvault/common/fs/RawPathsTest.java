package io.streamvault.common.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawPathsTest {

    /** Names Linux allows but a String cannot carry: newline, invalid UTF-8, non-ASCII, all bytes. */
    static List<byte[]> oddNames() {
        List<byte[]> names = new ArrayList<>();
        names.add("line\nbreak".getBytes(UTF_8));
        names.add(new byte[] {(byte) 0xff, (byte) 0xfe});
        names.add(new byte[] {'a', (byte) 0xc3, 'b', (byte) 0x80}); // broken sequences
        names.add("naïve-日本語-🙂".getBytes(UTF_8));
        names.add(new byte[] {'t', '\t', 'r', '\r', 'e', 0x1b, 'x'});
        names.add("back\\slash ?*".getBytes(UTF_8));
        byte[] all = new byte[253]; // every byte value except NUL, '/', and 0xff..: 1..254 minus '/'
        int k = 0;
        for (int b = 1; b <= 254; b++) {
            if (b != '/') {
                all[k++] = (byte) b;
            }
        }
        names.add(all);
        return names;
    }

    private static HexSet hex(List<byte[]> names) {
        HexSet s = new HexSet();
        for (byte[] n : names) {
            s.add(HexFormat.of().formatHex(n));
        }
        return s;
    }

    /** A sorted set of hex strings (assertEquals prints it readably). */
    private static final class HexSet extends TreeSet<String> {
    }

    @Test
    void listedNamesRoundTripAsBytes(@TempDir Path dir) throws IOException {
        List<byte[]> names = oddNames();
        for (byte[] name : names) {
            Path p = RawPaths.resolve(dir, name);
            Files.write(p, name); // content = the name, to check we open the right file
        }
        List<byte[]> listed = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path entry : ds) {
                byte[] name = RawPaths.fileName(entry);
                listed.add(name);
                byte[] raw = RawPaths.bytes(entry);
                assertArrayEquals(RawPaths.join(RawPaths.bytes(dir), name), raw);
                Path again = RawPaths.of(raw);
                assertEquals(entry, again);
                assertArrayEquals(raw, RawPaths.bytes(again));
                assertArrayEquals(name, Files.readAllBytes(again), "content of " + RawPaths.display(name));
            }
        }
        assertEquals(hex(names), hex(listed));
    }

    @Test
    void bytesIsACopy(@TempDir Path dir) {
        Path p = dir.resolve("abc");
        byte[] b = RawPaths.bytes(p);
        b[b.length - 1] = 'X';
        assertArrayEquals((dir + "/abc").getBytes(UTF_8), RawPaths.bytes(p));
        byte[] in = "x/y".getBytes(UTF_8);
        Path q = RawPaths.of(in);
        in[0] = 'z';
        assertEquals(Path.of("x/y"), q);
    }

    @Test
    void ofNormalizesLikePathOf() {
        for (String s : List.of("a//b/", "/", "//", "", "/a/b", "a", "///x//y///", "./a/../b")) {
            Path expected = Path.of(s);
            Path got = RawPaths.of(s.getBytes(UTF_8));
            assertEquals(expected, got, s);
            assertEquals(expected.getNameCount(), got.getNameCount(), s);
            assertEquals(expected.getFileName(), got.getFileName(), s);
        }
        FatalException e = assertThrows(FatalException.class, () -> RawPaths.of(new byte[] {'a', 0, 'b'}));
        assertEquals(ErrorCode.UNSAFE_PATH, e.code());
    }

    @Test
    void fileName() {
        assertArrayEquals(new byte[0], RawPaths.fileName(Path.of("/")));
        assertArrayEquals(new byte[0], RawPaths.fileName(Path.of("")));
        assertArrayEquals("b".getBytes(UTF_8), RawPaths.fileName(Path.of("/a/b")));
        assertArrayEquals("b".getBytes(UTF_8), RawPaths.fileName(Path.of("b")));
        byte[] odd = {'d', '/', (byte) 0xff, '\n'};
        assertArrayEquals(new byte[] {(byte) 0xff, '\n'}, RawPaths.fileName(RawPaths.of(odd)));
    }

    @Test
    void join() {
        assertArrayEquals(b("b"), RawPaths.join(b(""), b("b")));
        assertArrayEquals(b("a"), RawPaths.join(b("a"), b("")));
        assertArrayEquals(b(""), RawPaths.join(b(""), b("")));
        assertArrayEquals(b("a/b"), RawPaths.join(b("a"), b("b")));
        assertArrayEquals(b("a/b"), RawPaths.join(b("a/"), b("b")));
        assertArrayEquals(b("x/y/z"), RawPaths.join(b("x/y"), b("z")));
    }

    @Test
    void checkNameRefusesUnsafeNames() {
        byte[][] bad = {b(""), b("."), b(".."), b("a/b"), b("/"), b("../x"), b("x/"), {'a', 0, 'b'}, {0}};
        for (byte[] name : bad) {
            FatalException e = assertThrows(FatalException.class, () -> RawPaths.checkName(name),
                    RawPaths.display(name));
            assertEquals(ErrorCode.UNSAFE_PATH, e.code());
            assertTrue(e.getMessage().contains("\"" + RawPaths.display(name) + "\""), e.getMessage());
        }
        FatalException e = assertThrows(FatalException.class, () -> RawPaths.checkName(new byte[] {'.', '.', '/',
            (byte) 0xff}));
        assertTrue(e.getMessage().contains("../\\xff"), e.getMessage());
        // fine: odd but harmless
        for (byte[] ok : new byte[][] {b("..."), b(".a"), b("a.."), b("\n"), {(byte) 0xff}, b(" "), b("\\")}) {
            RawPaths.checkName(ok);
        }
    }

    @Test
    void resolveChecksTheName(@TempDir Path dir) {
        assertThrows(FatalException.class, () -> RawPaths.resolve(dir, b("..")));
        assertThrows(FatalException.class, () -> RawPaths.resolve(dir, b("../../etc/passwd")));
        assertThrows(FatalException.class, () -> RawPaths.resolve(dir, b("/etc")));
        Path p = RawPaths.resolve(dir, new byte[] {(byte) 0xff});
        assertEquals(dir, p.getParent());
        assertArrayEquals(new byte[] {(byte) 0xff}, RawPaths.fileName(p));
    }

    @Test
    void display() {
        assertEquals("plain name.txt", RawPaths.display(b("plain name.txt")));
        assertEquals("a\\nb", RawPaths.display(b("a\nb")));
        assertEquals("a\\tb\\rc", RawPaths.display(b("a\tb\rc")));
        assertEquals("\\x00\\x1b\\x7f", RawPaths.display(new byte[] {0, 0x1b, 0x7f}));
        assertEquals("\\xff\\xfe", RawPaths.display(new byte[] {(byte) 0xff, (byte) 0xfe}));
        assertEquals("naïve-日本語-🙂", RawPaths.display("naïve-日本語-🙂".getBytes(UTF_8)));
        assertEquals("back\\\\slash", RawPaths.display(b("back\\slash")));
        // truncated sequence, overlong '/', encoded surrogate, above U+10FFFF, stray continuation
        assertEquals("x\\xe6\\x97", RawPaths.display(new byte[] {'x', (byte) 0xe6, (byte) 0x97}));
        assertEquals("\\xc0\\xaf", RawPaths.display(new byte[] {(byte) 0xc0, (byte) 0xaf}));
        assertEquals("\\xed\\xa0\\x80", RawPaths.display(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}));
        assertEquals("\\xf4\\x90\\x80\\x80",
                RawPaths.display(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
        assertEquals("\\x80a", RawPaths.display(new byte[] {(byte) 0x80, 'a'}));
        assertEquals("\\xe6日", RawPaths.display(new byte[] {(byte) 0xe6, (byte) 0xe6, (byte) 0x97, (byte) 0xa5}));
        // C1 control, line separator, right-to-left override
        assertEquals("a\\u0085b\\u2028c\\u202ed", RawPaths.display("a\u0085b\u2028c\u202ed".getBytes(UTF_8)));
        // different bytes never display the same
        assertNotEquals(RawPaths.display(new byte[] {(byte) 0xff}), RawPaths.display(b("\\xff")));
        assertEquals(RawPaths.display(b("/tmp/x\n")), RawPaths.display(Path.of("/tmp/x\n")));
    }

    @Test
    void otherFileSystemsAreRefused(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("t.zip");
        try (FileSystem zfs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            Path inZip = zfs.getPath("/a");
            FatalException e = assertThrows(FatalException.class, () -> RawPaths.bytes(inZip));
            assertEquals(ErrorCode.UNSUPPORTED, e.code());
        }
    }

    // --- in a child JVM: another locale, and without --add-opens ----------------------------------

    /** Entry point of the child JVM: lists a directory and prints each name and its content in hex. */
    public static final class ListMain {
        public static void main(String[] args) throws Exception {
            if (args[0].equals("bytes")) {
                try {
                    RawPaths.bytes(Path.of("/tmp"));
                    System.out.println("OK");
                } catch (FatalException e) {
                    System.out.println(e.code().id() + ": " + e.getMessage());
                }
                return;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(args[1]))) {
                for (Path p : ds) {
                    byte[] raw = RawPaths.bytes(p);
                    System.out.println(HexFormat.of().formatHex(RawPaths.fileName(p)) + " "
                            + HexFormat.of().formatHex(Files.readAllBytes(RawPaths.of(raw))));
                }
            }
        }
    }

    private static List<String> runChild(boolean addOpens, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (addOpens) {
            cmd.add("--add-opens");
            cmd.add("java.base/sun.nio.fs=ALL-UNNAMED");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ListMain.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE")
                || k.startsWith("JAVA_TOOL") || k.equals("JDK_JAVA_OPTIONS"));
        pb.environment().putAll(env);
        Process proc = pb.start();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        String text = new String(out, UTF_8);
        assertEquals(0, proc.exitValue(), text);
        return text.lines().toList();
    }

    @Test
    void namesSurviveUnderTheCLocale(@TempDir Path dir) throws Exception {
        List<byte[]> names = oddNames();
        HexSet expected = new HexSet();
        for (byte[] name : names) {
            Files.write(RawPaths.resolve(dir, name), name);
            String h = HexFormat.of().formatHex(name);
            expected.add(h + " " + h);
        }
        for (String lang : List.of("C", "POSIX", "en_US.ISO-8859-1")) {
            List<String> lines = runChild(true, Map.of("LANG", lang, "LC_ALL", lang), "list", dir.toString());
            HexSet got = new HexSet();
            got.addAll(lines);
            assertEquals(expected, got, "LANG=" + lang);
        }
    }

    @Test
    void withoutAddOpensTheFirstUseFailsClearly() throws Exception {
        List<String> lines = runChild(false, Map.of(), "bytes");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith(ErrorCode.UNSUPPORTED.id() + ": "), lines.get(0));
        assertTrue(lines.get(0).contains("--add-opens java.base/sun.nio.fs=ALL-UNNAMED"), lines.get(0));
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
