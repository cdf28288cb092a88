package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A fresh local vault per test, with a cheap KDF. */
abstract class VaultTestSupport {
    static final VaultOptions FAST = VaultOptions.defaults().withKdfLogN(10);
    static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path dir;
    Storage storage;
    Vault vault;

    @BeforeEach
    void createVault() {
        storage = Storages.open(dir.resolve("vault").toString());
        vault = Vault.init(storage, PASSWORD, FAST);
    }

    @AfterEach
    void closeVault() {
        vault.close();
        storage.close();
    }

    Path file(String name) {
        return dir.resolve("vault").resolve(name);
    }

    byte[] read(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void overwrite(String name, byte[] data) {
        try {
            Files.write(file(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Asserts the code and that the message contains every fragment; returns the exception. */
    static StreamVaultException assertFails(ErrorCode code, Executable call, String... fragments) {
        StreamVaultException e = assertThrows(StreamVaultException.class, call);
        assertEquals(code, e.code(), () -> "wrong code; message: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message lacks \"" + f + "\": " + e.getMessage());
        }
        return e;
    }
}
