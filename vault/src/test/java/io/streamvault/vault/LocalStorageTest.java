package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTest extends StorageContract {
    @TempDir
    Path tmp;

    @Override
    protected Storage newStorage() {
        return Storages.open(tmp.resolve("vault").toUri().toString());
    }

    private Path root() {
        return tmp.resolve("vault");
    }

    @Test
    void objectsAreFilesUnderTheRoot() throws Exception {
        storage.putIfAbsent("data/ab/abcd", bytes("pack"));
        assertArrayEquals(bytes("pack"), Files.readAllBytes(root().resolve("data/ab/abcd")));
        assertEquals("file://" + root(), storage.location());
    }

    @Test
    void temporaryAndDotFilesAreNotObjects() throws Exception {
        storage.putIfAbsent("data/ab/abcd", bytes("pack"));
        Files.write(root().resolve("data/ab/.tmp-123"), bytes("partial"));
        Files.createDirectories(root().resolve(".hidden"));
        Files.write(root().resolve(".hidden/x"), bytes("x"));
        assertEquals(List.of(new ObjectInfo("data/ab/abcd", 4)), storage.list(""));
        try (var files = Files.list(root().resolve("data/ab"))) {
            assertEquals(2, files.count(), "putIfAbsent leaves no temporary file of its own");
        }
    }

    @Test
    void badNamesAreRejected() {
        for (String bad : new String[] {"", "/abs", "a//b", "a/", "../escape", "data/../../x", "a/.tmp-1", "sp ace",
                "a\\b"}) {
            StreamVaultException e = assertThrows(StreamVaultException.class, () -> storage.get(bad), bad);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), bad);
        }
    }

    @Test
    void plainAndRelativePathsAndFileUris() {
        Storage plain = Storages.open(root().toString());
        assertEquals("file://" + root(), plain.location());
        Storage viaUri = Storages.open("file://" + root());
        assertEquals(plain.location(), viaUri.location());
        Storage relative = Storages.open("some/relative/dir");
        assertEquals("file://" + Path.of("some/relative/dir").toAbsolutePath().normalize(), relative.location());
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(StreamVaultException.class, () -> Storages.open("file://host/x")).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(StreamVaultException.class, () -> Storages.open("file:relative")).code());
    }

    @Test
    void otherSchemes() {
        StreamVaultException azure = assertThrows(StreamVaultException.class,
                () -> Storages.open("azure://Not_A_Container/prefix"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, azure.code());
        assertTrue(azure.getMessage().contains("not a valid container name"), azure.getMessage());
        StreamVaultException s3 = assertThrows(StreamVaultException.class, () -> Storages.open("s3://bucket/x"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, s3.code());
        assertTrue(s3.getMessage().contains("s3"), s3.getMessage());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(StreamVaultException.class, () -> Storages.open("")).code());
    }

    @Test
    void rootThatIsAFileIsRejected() throws Exception {
        Path file = Files.write(tmp.resolve("file"), bytes("x"));
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(StreamVaultException.class, () -> Storages.open(file.toString())).code());
    }

    @Test
    void missingRootReadsAsEmpty() {
        assertTrue(storage.list("").isEmpty());
        assertTrue(storage.stat("config").isEmpty());
    }

    @Test
    void permissionDenied() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root ignores file permissions");
        storage.putIfAbsent("keys/k", bytes("key"));
        Path keys = root().resolve("keys");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("---------"));
        try {
            assertEquals(ErrorCode.STORAGE_DENIED,
                    assertThrows(StreamVaultException.class, () -> storage.get("keys/k")).code());
            assertEquals(ErrorCode.STORAGE_DENIED,
                    assertThrows(StreamVaultException.class, () -> storage.putIfAbsent("keys/j", bytes("j"))).code());
        } finally {
            Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
