package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaultKeysTest extends VaultTestSupport {

    @Test
    void initThenOpen() {
        VaultConfig c = vault.config();
        assertEquals(1, c.version());
        assertEquals(64, vault.id().length());
        assertEquals(VaultOptions.defaults().chunkAvg(), c.chunkAvg());
        assertEquals(VaultOptions.defaults().compressionLevel(), c.compressionLevel());
        assertEquals(2, c.compressionLevel());
        assertEquals(32, c.gearSeed().length);
        assertTrue(Vault.exists(storage));
        assertEquals(1, storage.list("keys/").size());
        try (Vault again = Vault.open(storage, PASSWORD)) {
            assertEquals(vault.id(), again.id());
            assertEquals(c.chunkMin(), again.config().chunkMin());
            assertEquals(c.chunkMax(), again.config().chunkMax());
            assertArrayEquals(c.gearSeed(), again.config().gearSeed());
            byte[] data = "same key, same ids".getBytes(StandardCharsets.UTF_8);
            assertEquals(vault.newHasher().id(data, 0, data.length), again.newHasher().id(data, 0, data.length));
        }
    }

    @Test
    void configHeaderIsPlaintextMagicAndVersion() {
        byte[] config = read("config");
        assertEquals("SVAULT01", new String(config, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, config[8]);
        assertEquals(0, config[9]);
        assertFalse(new String(config, StandardCharsets.ISO_8859_1).contains("zstd"), "payload is encrypted");
    }

    @Test
    void wrongPassword() {
        assertFails(ErrorCode.WRONG_PASSWORD, () -> Vault.open(storage, "nope".toCharArray()),
                "none of the 1 keys", storage.location());
    }

    @Test
    void missingPassword() {
        assertFails(ErrorCode.PASSWORD_MISSING, () -> Vault.open(storage, new char[0]));
    }

    @Test
    void notInitialized() {
        Storage empty = Storages.open(dir.resolve("empty").toString());
        assertFalse(Vault.exists(empty));
        assertFails(ErrorCode.VAULT_NOT_INITIALIZED, () -> Vault.open(empty, PASSWORD), empty.location());
    }

    @Test
    void initTwiceFails() {
        assertFails(ErrorCode.VAULT_EXISTS, () -> Vault.init(storage, PASSWORD, FAST), storage.location());
        assertEquals(1, storage.list("keys/").size(), "the refused init left no key behind");
    }

    @Test
    void badOptionsAreRejected() {
        Storage other = Storages.open(dir.resolve("other").toString());
        assertFails(ErrorCode.INVALID_ARGUMENT,
                () -> Vault.init(other, PASSWORD, FAST.withChunkSizes(1 << 20, 3 << 19, 4 << 20)), "power of two");
        assertFails(ErrorCode.INVALID_ARGUMENT,
                () -> Vault.init(other, PASSWORD, FAST.withChunkSizes(1 << 21, 1 << 20, 4 << 20)));
        assertFalse(Vault.exists(other));
    }

    @Test
    void twoKeysBothOpenTheSameVault() {
        char[] second = "another password".toCharArray();
        String name = vault.addKey(second);
        assertTrue(name.startsWith("keys/"), name);
        assertEquals(2, storage.list("keys/").size());
        try (Vault a = Vault.open(storage, PASSWORD); Vault b = Vault.open(storage, second)) {
            assertEquals(a.id(), b.id());
            byte[] data = "shared".getBytes(StandardCharsets.UTF_8);
            BlobId id = a.newHasher().id(data, 0, data.length);
            PackBuilder pack = a.newPack();
            pack.add(a.encode(BlobType.DATA, id, data, 0, data.length));
            PackInfo info = a.writePack(pack);
            PackEntry e = info.entries().get(0);
            assertArrayEquals(data, b.readBlob(new BlobLocation(id, BlobType.DATA, info.id(), e.offset(), e.length(),
                    e.rawLength())));
        }
        assertFails(ErrorCode.WRONG_PASSWORD, () -> Vault.open(storage, "third".toCharArray()), "none of the 2 keys");
    }

    @Test
    void garbageKeyObjectIsReportedButOthersAreTried() {
        storage.putIfAbsent("keys/0000garbage", "{not json".getBytes(StandardCharsets.UTF_8));
        try (Vault v = Vault.open(storage, PASSWORD)) {
            assertEquals(vault.id(), v.id());
        }
        assertFails(ErrorCode.WRONG_PASSWORD, () -> Vault.open(storage, "nope".toCharArray()), "keys/0000garbage");
    }

    @Test
    void onlyUnreadableKeysIsCorrupt() {
        String real = storage.list("keys/").get(0).name();
        storage.delete(real);
        storage.putIfAbsent("keys/garbage", "[]".getBytes(StandardCharsets.UTF_8));
        storage.putIfAbsent("keys/badn", ("{\"kdf\":\"scrypt\",\"N\":1000,\"r\":8,\"p\":1,\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\","
                + "\"data\":\"AAAA\"}").getBytes(StandardCharsets.UTF_8));
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> Vault.open(storage, PASSWORD), "keys/garbage", "keys/badn",
                "power of two");
    }

    @Test
    void noKeysAtAllIsCorrupt() {
        storage.delete(storage.list("keys/").get(0).name());
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> Vault.open(storage, PASSWORD), "no readable key");
    }

    @Test
    void truncatedKeyObject() {
        String real = storage.list("keys/").get(0).name();
        byte[] bytes = read(real);
        overwrite(real, Arrays.copyOf(bytes, bytes.length / 2));
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> Vault.open(storage, PASSWORD), real);
    }

    @Test
    void damagedConfig() {
        byte[] good = read("config");
        byte[] flipped = good.clone();
        flipped[flipped.length - 20] ^= 1;
        overwrite("config", flipped);
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> Vault.open(storage, PASSWORD), "config");

        overwrite("config", Arrays.copyOf(good, 9));
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> Vault.open(storage, PASSWORD), "config", storage.location());

        overwrite("config", "garbage garbage garbage garbage garbage".getBytes(StandardCharsets.UTF_8));
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> Vault.open(storage, PASSWORD), "config");

        byte[] newer = good.clone();
        newer[8] = 2;
        overwrite("config", newer);
        assertFails(ErrorCode.UNSUPPORTED, () -> Vault.open(storage, PASSWORD), "version 2");

        overwrite("config", good);
        Vault.open(storage, PASSWORD).close();
    }

    @Test
    void keyLeftByAnUnfinishedInitIsSkipped() {
        Storage other = Storages.open(dir.resolve("other").toString());
        Vault.init(other, PASSWORD, FAST).close();
        String orphan = other.list("keys/").get(0).name();
        storage.putIfAbsent("keys/0" + orphan.substring(6), other.get(orphan));
        try (Vault v = Vault.open(storage, PASSWORD)) {
            assertEquals(vault.id(), v.id());
        }
        storage.delete(storage.list("keys/").stream().map(ObjectInfo::name)
                .filter(n -> !n.startsWith("keys/0" + orphan.substring(6))).findFirst().orElseThrow());
        assertFails(ErrorCode.CORRUPT_OBJECT, () -> Vault.open(storage, PASSWORD), "config", "fails authentication");
    }

    @Test
    void keyObjectIsPlainJson() {
        String name = storage.list("keys/").get(0).name();
        String json = new String(read(name), StandardCharsets.UTF_8);
        for (String field : List.of("\"created\"", "\"hostname\"", "\"username\"", "\"kdf\":\"scrypt\"", "\"N\":1024",
                "\"r\":8", "\"p\":1", "\"salt\"", "\"data\"")) {
            assertTrue(json.contains(field), json);
        }
    }
}
