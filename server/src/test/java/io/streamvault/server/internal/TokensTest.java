package io.streamvault.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
    static final String READ = "read-token-0123456789";
    static final String RESTORE = "restore-token-0123456789";
    static final String ADMIN = "admin-token-0123456789";

    @TempDir
    Path tmp;

    Path file(String text) throws IOException {
        Path f = Files.writeString(tmp.resolve("tokens"), text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void eachTokenHasTheRoleAndNameOfItsLine() throws IOException {
        Tokens tokens = Tokens.load(file("# roles\nread " + READ + " viewer\n\nRESTORE " + RESTORE + " ops\n"
                + "admin sha256:" + HexFormat.of().formatHex(Tokens.sha256(ADMIN)) + "\n"));
        Tokens.Entry read = tokens.authenticate(READ).orElseThrow();
        assertEquals(Role.READ, read.role());
        assertEquals("viewer", read.name());
        assertEquals(Role.RESTORE, tokens.authenticate(RESTORE).orElseThrow().role());
        Tokens.Entry admin = tokens.authenticate(ADMIN).orElseThrow();
        assertEquals(Role.ADMIN, admin.role());
        assertEquals("token 3", admin.name(), "a line without a name is named by its place");
        assertTrue(tokens.authenticate("other-token-0123456789").isEmpty());
        assertTrue(tokens.authenticate(null).isEmpty());
    }

    @Test
    void anUnknownRoleIsRefusedNamingTheKnownOnes() throws IOException {
        Path f = file("read " + READ + "\nowner " + ADMIN + "\n");
        FatalException e = assertThrows(FatalException.class, () -> Tokens.load(f));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains(f + " line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("\"owner\" is not one of read, restore, admin"), e.getMessage());
    }

    @Test
    void badLinesAndReadableFilesAreRefused() throws IOException {
        for (String bad : new String[] {"admin short\n", "read\n", "read sha256:abc\n", "# only a comment\n"}) {
            FatalException e = assertThrows(FatalException.class, () -> Tokens.load(file(bad)), bad);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), bad);
        }
        Path readable = file("admin " + ADMIN + "\n");
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        FatalException e = assertThrows(FatalException.class, () -> Tokens.load(readable));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        Files.writeString(readable, "admin sha256:" + HexFormat.of().formatHex(Tokens.sha256(ADMIN)) + "\n",
                StandardCharsets.UTF_8);
        assertEquals(Role.ADMIN, Tokens.load(readable).authenticate(ADMIN).orElseThrow().role(),
                "hashed tokens may be in a readable file");
    }

    @Test
    void aFileOthersMayWriteIsRefusedEvenWithHashedTokens() throws IOException {
        Path f = file("admin sha256:" + HexFormat.of().formatHex(Tokens.sha256(ADMIN)) + "\n");
        for (String perms : new String[] {"rw-rw-r--", "rw-r--rw-", "rw--w----"}) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
            FatalException e = assertThrows(FatalException.class, () -> Tokens.load(f), perms);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("writable by others") && e.getMessage().contains("chmod go-w"),
                    e.getMessage());
        }
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Role.ADMIN, Tokens.load(f).authenticate(ADMIN).orElseThrow().role());
    }
}
