package io.streamvault.vault.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.ObjectInfo;
import io.streamvault.vault.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Objects as files under a root directory. Writes go to a temporary file in the target directory
 * (name starting with {@code .tmp-}), are fsynced, then hard-linked into place, which fails
 * instead of replacing an existing object; the directory is fsynced after. Names starting with a
 * dot are never objects, so temporary files left by a crash are invisible (and harmless). Large
 * objects (packs) are written with direct I/O where the file system allows it ({@link DirectWriter}).
 */
public final class LocalStorage implements Storage {
    static final String TMP = ".tmp-";
    /** Reads and writes go through the channel in slices, so the JDK's cached direct buffers stay small. */
    private static final int SLICE = 1 << 20;
    private static final int MAX_OBJECT = Integer.MAX_VALUE - 8;

    private final Path root;
    private final String location;
    private final DirectWriter direct = new DirectWriter();

    public LocalStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.location = "file://" + this.root;
        if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "vault location " + location + " is not a directory");
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public boolean putIfAbsent(String name, byte[] data) {
        return put(name, ByteBuffer.wrap(data));
    }

    /** A direct buffer (a sealed pack) goes to disk without a copy on the way where direct I/O works. */
    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) {
        return put(name, data.duplicate());
    }

    private boolean put(String name, ByteBuffer data) {
        Path target = path(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path dir = target.getParent();
        Path tmp = dir.resolve(TMP + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            ensureDirectory(dir);
            if (!direct.write(tmp, data)) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    while (data.hasRemaining()) {
                        ByteBuffer b = data.slice(data.position(), Math.min(SLICE, data.remaining()));
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        data.position(data.position() + b.position());
                    }
                    ch.force(true);
                }
            }
            boolean created = link(tmp, target);
            if (created) {
                syncDirectory(dir);
            }
            return created;
        } catch (IOException e) {
            throw error(e, "write", name);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temporary file is invisible to list() and harmless
            }
        }
    }

    /** Hard-links tmp to target; false if target exists. Falls back to a checked rename where links are unsupported. */
    private static boolean link(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof AccessDeniedException || e instanceof NoSuchFileException) {
                throw (IOException) e;
            }
            // No hard links here (some FUSE and network file systems): check, then rename. Two
            // writers racing in this window both succeed; the names that can race are content
            // addressed, so both write the same bytes.
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    @Override
    public byte[] get(String name) {
        Path p = path(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_OBJECT) {
                throw new FatalException(ErrorCode.IO_ERROR, "object " + name + " in " + location + " has " + size
                        + " bytes, too many to read at once");
            }
            byte[] out = new byte[(int) size];
            int n = read(ch, 0, out);
            if (n != size) {
                throw Errors.corrupt("object " + name + " in " + location + " shrank while it was read");
            }
            return out;
        } catch (IOException e) {
            throw error(e, "read", name);
        }
    }

    @Override
    public byte[] get(String name, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw Errors.invalid("bad range " + offset + "+" + length + " for object " + name + " in " + location);
        }
        Path p = path(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset + length > size) {
                throw Errors.corrupt("object " + name + " in " + location + " has " + size + " bytes; cannot read "
                        + length + " bytes at offset " + offset);
            }
            byte[] out = new byte[length];
            if (read(ch, offset, out) != length) {
                throw Errors.corrupt("object " + name + " in " + location + " ended before offset " + (offset + length));
            }
            return out;
        } catch (IOException e) {
            throw error(e, "read", name);
        }
    }

    /** Reads into the whole of {@code out} from {@code pos}; returns the bytes read (fewer at end of file). */
    private static int read(FileChannel ch, long pos, byte[] out) throws IOException {
        int done = 0;
        while (done < out.length) {
            ByteBuffer b = ByteBuffer.wrap(out, done, Math.min(SLICE, out.length - done));
            int n = ch.read(b, pos + done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        if (prefix == null) {
            throw Errors.invalid("list prefix is null");
        }
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : path(prefix.substring(0, slash));
        List<ObjectInfo> out = new ArrayList<>();
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(start)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String rel = relative(dir) + "/";
                    boolean relevant = rel.startsWith(prefix) || prefix.startsWith(rel);
                    return relevant && !dir.getFileName().toString().startsWith(".")
                            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                        String rel = relative(file);
                        if (rel.startsWith(prefix)) {
                            out.add(new ObjectInfo(rel, attrs.size()));
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw error(e, "list", prefix + "*");
        }
        return out;
    }

    private String relative(Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    @Override
    public Optional<ObjectInfo> stat(String name) {
        Path p = path(name);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Optional.of(new ObjectInfo(name, a.size())) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw error(e, "stat", name);
        }
    }

    @Override
    public void delete(String name) {
        try {
            Files.deleteIfExists(path(name));
        } catch (IOException e) {
            throw error(e, "delete", name);
        }
    }

    /**
     * The file system's clock: the modification time of a temporary file created in the root (on a
     * network file system, the server's clock). Empty when the root does not exist yet.
     */
    @Override
    public Optional<Instant> serviceTime() {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        Path probe = root.resolve(TMP + "clock-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createFile(probe);
            try {
                return Optional.of(Files.getLastModifiedTime(probe).toInstant());
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            throw error(e, "read the file system's time with", probe.getFileName().toString());
        }
    }

    @Override
    public void close() {
        // nothing is held open between calls
    }

    @Override
    public String toString() {
        return location;
    }

    /** Resolves a checked object name (see {@link ObjectNames}). */
    private Path path(String name) {
        return root.resolve(ObjectNames.check(name, location));
    }

    private void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        Files.createDirectories(dir);
        for (Path p : missing) {
            syncDirectory(p.getParent());
        }
    }

    /** fsyncs a directory so a new entry in it survives a crash; ignored where directories cannot be synced. */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse fsync on directories (EINVAL); the file itself is synced
        }
    }

    private RuntimeException error(IOException e, String op, String name) {
        String what = "cannot " + op + " object " + name + " in " + location;
        if (e instanceof NoSuchFileException) {
            return new FatalException(ErrorCode.OBJECT_NOT_FOUND, "object " + name + " not found in " + location, e);
        }
        if (e instanceof AccessDeniedException) {
            return new FatalException(ErrorCode.STORAGE_DENIED, what + ": permission denied (" + e.getMessage() + ")", e);
        }
        return new FatalException(ErrorCode.IO_ERROR, what + ": " + e, e);
    }
}
