package io.streamvault.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.internal.AzureStorage;
import io.streamvault.vault.internal.AzureStorageFactory;
import io.streamvault.vault.internal.RetryingStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The storage contract against Azurite, plus what is particular to Azure. */
class AzureStorageIT extends StorageContract {
    private static final AtomicInteger CONTAINERS = new AtomicInteger();
    private static final String RUN = Long.toHexString(System.nanoTime() & 0xffffffL);
    private static Path dir;
    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() throws Exception {
        dir = Files.createTempDirectory("azurite-it");
        azurite = Azurite.start(dir.resolve("data"));
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String freshContainer() {
        return "c" + RUN + "-" + CONTAINERS.incrementAndGet();
    }

    private static Storage open(String uri) {
        return AzureStorageFactory.open(uri, azurite::getenv, RetryingStorage.Policy.defaults());
    }

    @Override
    protected Storage newStorage() {
        return open("azure://" + freshContainer() + "/vaults/one");
    }

    private static boolean containerExists(String name) {
        return new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(name).exists();
    }

    @Test
    void locationNamesContainerPrefixAndAccount() {
        assertTrue(storage.location().startsWith("azure://c" + RUN), storage.location());
        assertTrue(storage.location().contains("/vaults/one (account devstoreaccount1)"), storage.location());
    }

    @Test
    void theContainerIsCreatedByTheFirstWriteAndByNothingElse() {
        String c = freshContainer();
        Storage s = open("azure://" + c);
        assertTrue(s.stat("config").isEmpty());
        assertTrue(s.list("").isEmpty());
        StreamVaultException e = assertThrows(StreamVaultException.class, () -> s.get("config"));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("container " + c + " does not exist"), e.getMessage());
        s.delete("config");
        assertFalse(containerExists(c), "reads and deletes create nothing");
        assertTrue(s.putIfAbsent("config", bytes("x")));
        assertTrue(containerExists(c));
        assertArrayEquals(bytes("x"), s.get("config"));
    }

    @Test
    void prefixesSeparateVaultsInOneContainer() {
        String c = freshContainer();
        Storage a = open("azure://" + c + "/a");
        Storage b = open("azure://" + c + "/b/");
        Storage root = open("azure://" + c);
        a.putIfAbsent("config", bytes("a"));
        b.putIfAbsent("config", bytes("b"));
        assertArrayEquals(bytes("a"), a.get("config"));
        assertArrayEquals(bytes("b"), b.get("config"));
        assertEquals(List.of(new ObjectInfo("config", 1)), a.list(""));
        assertEquals(2, root.list("").size());
        assertEquals(1, root.list("a/").size());
        assertTrue(root.stat("config").isEmpty());
    }

    @Test
    void rangedReadsDownloadOnlyTheRange() {
        AzureStorage s = (AzureStorage) ((RetryingStorage) storage).backend();
        byte[] data = random(8 << 20, 9);
        s.putIfAbsent("data/aa/pack", data);
        long before = s.bytesDownloaded();
        assertArrayEquals(Arrays.copyOfRange(data, 5_000_000, 5_000_100), s.get("data/aa/pack", 5_000_000, 100));
        assertEquals(100, s.bytesDownloaded() - before, "a ranged read transfers only its range");
    }

    @Test
    void badUrisAndMissingCredentials() {
        Map<String, String> none = new HashMap<>();
        StreamVaultException e = assertThrows(StreamVaultException.class,
                () -> AzureStorageFactory.open("azure://backups/x", none::get, RetryingStorage.Policy.defaults()));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        for (String v : List.of("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_SAS_TOKEN",
                "AZURE_STORAGE_KEY")) {
            assertTrue(e.getMessage().contains(v), e.getMessage());
        }
        for (String bad : List.of("azure://Upper", "azure://ab", "azure://a--b", "azure://ok-name/../x",
                "azure://ok-name/p?sv=1", "azure://")) {
            assertEquals(ErrorCode.INVALID_ARGUMENT,
                    assertThrows(StreamVaultException.class, () -> open(bad), bad).code(), bad);
        }
        assumeTrue(System.getenv("AZURE_STORAGE_CONNECTION_STRING") == null && System.getenv("AZURE_STORAGE_ACCOUNT") == null);
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(StreamVaultException.class, () -> Storages.open("azure://backups/x")).code());
    }

    @Test
    void accountKeyAndSasTokenCredentials() {
        String c = freshContainer();
        Map<String, String> env = Map.of("AZURE_STORAGE_ACCOUNT", Azurite.ACCOUNT, "AZURE_STORAGE_KEY", Azurite.KEY,
                "AZURE_STORAGE_ENDPOINT", azurite.endpoint());
        Storage s = AzureStorageFactory.open("azure://" + c, env::get, RetryingStorage.Policy.defaults());
        assertTrue(s.putIfAbsent("keys/k", bytes("k")));
        assertArrayEquals(bytes("k"), s.get("keys/k"));

        String sas = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .generateAccountSas(new com.azure.storage.common.sas.AccountSasSignatureValues(
                        OffsetDateTime.now().plusHours(1),
                        com.azure.storage.common.sas.AccountSasPermission.parse("rl"),
                        com.azure.storage.common.sas.AccountSasService.parse("b"),
                        com.azure.storage.common.sas.AccountSasResourceType.parse("sco")));
        Map<String, String> sasEnv = Map.of("AZURE_STORAGE_ACCOUNT", Azurite.ACCOUNT, "AZURE_STORAGE_SAS_TOKEN", "?" + sas,
                "AZURE_STORAGE_ENDPOINT", azurite.endpoint());
        Storage readOnly = AzureStorageFactory.open("azure://" + c, sasEnv::get, RetryingStorage.Policy.defaults());
        assertArrayEquals(bytes("k"), readOnly.get("keys/k"), "a read-only SAS reads");
        StreamVaultException denied = assertThrows(StreamVaultException.class,
                () -> readOnly.putIfAbsent("keys/j", bytes("j")));
        assertEquals(ErrorCode.STORAGE_DENIED, denied.code(), denied.getMessage());
        assertTrue(denied.getMessage().contains("keys/j") && denied.getMessage().contains(readOnly.location())
                && denied.getMessage().contains("403"), denied.getMessage());
    }

    @Test
    void aWrongKeyIsDeniedAtOnceNamingObjectAndLocation() {
        String wrongKey = Base64.getEncoder().encodeToString(random(64, 7));
        Map<String, String> env = Map.of("AZURE_STORAGE_ACCOUNT", Azurite.ACCOUNT, "AZURE_STORAGE_KEY", wrongKey,
                "AZURE_STORAGE_ENDPOINT", azurite.endpoint());
        Storage s = AzureStorageFactory.open("azure://" + freshContainer(), env::get, RetryingStorage.Policy.defaults());
        long start = System.nanoTime();
        StreamVaultException e = assertThrows(StreamVaultException.class, () -> s.putIfAbsent("config", bytes("x")));
        assertEquals(ErrorCode.STORAGE_DENIED, e.code(), e.getMessage());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("config") && e.getMessage().contains(s.location()), e.getMessage());
        assertEquals(ErrorCode.STORAGE_DENIED, assertThrows(StreamVaultException.class, () -> s.stat("config")).code());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "a permanent failure is not retried");
    }

    @Test
    void anUnreachableServiceIsRetriedThenReportedAsRetryableAndCallsWorkAgainWhenItIsBack() throws Exception {
        Storage s = AzureStorageFactory.open("azure://" + freshContainer(), azurite::getenv,
                new RetryingStorage.Policy(Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofMillis(800)));
        assertTrue(s.putIfAbsent("index/one", bytes("1")));
        azurite.stop();
        try {
            long start = System.nanoTime();
            StreamVaultException e = assertThrows(StreamVaultException.class, () -> s.putIfAbsent("index/two", bytes("2")));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ErrorCode.STORAGE_UNAVAILABLE, e.code(), e.getMessage());
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("index/two") && e.getMessage().contains(s.location())
                    && e.getMessage().contains("connection refused"), e.getMessage());
            assertTrue(ms >= 1000 && ms < 10_000, "retried within its budget: " + ms + " ms");
            assertEquals(ErrorCode.STORAGE_UNAVAILABLE,
                    assertThrows(StreamVaultException.class, () -> s.get("index/one", 0, 1)).code());
        } finally {
            azurite.start();
        }
        assertTrue(s.putIfAbsent("index/two", bytes("2")));
        assertFalse(s.putIfAbsent("index/one", bytes("other")));
        assertArrayEquals(bytes("1"), s.get("index/one"));
    }

    /** Azurite has the clock (Get Container Properties answers) but not immutability, and says so. */
    @Test
    void azuriteGivesItsClockAndNoImmutability() {
        storage.putIfAbsent("config", bytes("c"));
        String container = storage.location().substring("azure://".length(), storage.location().indexOf('/', "azure://".length()));
        Instant t = storage.serviceTime().orElseThrow();
        assertTrue(Duration.between(Instant.now(), t).abs().compareTo(Duration.ofSeconds(120)) < 0, t.toString());
        ImmutableStorage immutability = storage.immutability().orElseThrow();
        ImmutableStorage.Support support = immutability.probe();
        assertFalse(support.supported());
        assertTrue(support.reason().contains("container " + container), support.reason());
        StreamVaultException e = assertThrows(StreamVaultException.class,
                () -> immutability.protect("config", Instant.now().plusSeconds(3600), false));
        assertEquals(ErrorCode.UNSUPPORTED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("config") && e.getMessage().contains("501"), e.getMessage());

        Storage missing = open("azure://" + freshContainer());
        assertTrue(missing.serviceTime().isPresent(), "the 404 of a missing container has the clock too");
        assertFalse(missing.immutability().orElseThrow().probe().supported());
    }
}
