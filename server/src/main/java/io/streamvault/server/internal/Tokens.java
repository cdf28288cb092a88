package io.streamvault.server.internal;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.util.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer tokens the server accepts, from the tokens file. One token per line:
 * {@code ROLE TOKEN [NAME]}, where ROLE is the {@link Role#id id} of a {@link Role}: {@code read}
 * (browse and download), {@code restore} (everything {@code read} may, and create, inspect and cancel
 * restore jobs), {@code admin} (everything {@code restore} may, and forget snapshots and run garbage
 * collections) or {@code governance} (everything {@code admin} may, and lift governance retentions);
 * TOKEN is at
 * least 16 printable ASCII characters, or {@code sha256:} and the 64 hex digits of the SHA-256 of the
 * token (so the file need not hold the token itself); NAME is a label for logs. Blank lines and lines
 * starting with '#' are ignored. Presented tokens are compared through their SHA-256 with
 * {@link MessageDigest#isEqual}, against every entry, so the time taken does not depend on which
 * entry (if any) matches.
 */
public final class Tokens {
    /** One accepted token. */
    public record Entry(byte[] sha256, Role role, String name) {
    }

    private final List<Entry> entries;

    private Tokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Tokens load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "cannot read the tokens file " + file + ": " + e.getMessage(), e);
        }
        List<Entry> out = new ArrayList<>();
        boolean plain = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            String[] f = line.split("\\s+", 3);
            if (f.length < 2) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, where + ": expected ROLE TOKEN [NAME]");
            }
            Role role = Role.of(f[0]).orElseThrow(() -> new FatalException(ErrorCode.INVALID_ARGUMENT,
                    where + ": role \"" + f[0] + "\" is not one of " + Role.ids()));
            byte[] hash;
            if (f[1].startsWith("sha256:")) {
                String hex = f[1].substring(7).toLowerCase(Locale.ROOT);
                if (hex.length() != 64 || !Hex.isHex(hex)) {
                    throw new FatalException(ErrorCode.INVALID_ARGUMENT, where + ": sha256: needs 64 hex digits");
                }
                hash = Hex.parse(hex);
            } else {
                if (f[1].length() < 16 || !f[1].chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw new FatalException(ErrorCode.INVALID_ARGUMENT,
                            where + ": a token has at least 16 printable ASCII characters");
                }
                hash = sha256(f[1]);
                plain = true;
            }
            out.add(new Entry(hash, role, f.length > 2 ? f[2] : "token " + (out.size() + 1)));
        }
        if (out.isEmpty()) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the tokens file " + file + " holds no token");
        }
        requirePrivate(file, plain);
        return new Tokens(out);
    }

    /**
     * Like ssh with its keys and authorized_keys: refuse a file others may write (whoever can write
     * it can grant themselves any role), and one others may read when it holds plain tokens (secrets).
     */
    private static void requirePrivate(Path file, boolean plain) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return; // no POSIX permissions here to check
        }
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the tokens file " + file + " is writable by others ("
                    + PosixFilePermissions.toString(perms) + "), who could give themselves any role: chmod go-w it");
        }
        if (plain && (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ))) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the tokens file " + file + " holds plain tokens and "
                    + "is readable by others (" + PosixFilePermissions.toString(perms) + "): chmod 600 it, or store "
                    + "each token as sha256:HEX");
        }
    }

    /** The entry of this token, comparing against every entry in constant time. */
    public Optional<Entry> authenticate(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] h = sha256(presented);
        Entry found = null;
        for (Entry e : entries) {
            boolean eq = MessageDigest.isEqual(h, e.sha256());
            if (eq && found == null) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
