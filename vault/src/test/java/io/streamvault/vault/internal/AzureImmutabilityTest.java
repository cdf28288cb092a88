package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ImmutableStorage;
import io.streamvault.vault.ImmutableStorage.Support;
import io.streamvault.vault.Storage;
import io.streamvault.vault.internal.FakeBlobService.Blob;
import io.streamvault.vault.internal.FakeBlobService.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The requests the Azure backend sends for immutability, legal holds and the service clock, as a
 * recording stand-in for the Blob service receives them (Azurite implements none of it). The storage
 * is {@code azure://backups/vaults/one}, opened as the command opens it, with a dummy account key.
 */
class AzureImmutabilityTest {
    private static final String BLOB = "/devstoreaccount1/backups/vaults/one/data/aa/pack";
    private static final Instant T = Instant.parse("2031-03-04T05:06:07Z");
    private static final String T_HEADER = "Tue, 04 Mar 2031 05:06:07 GMT";

    private FakeBlobService service;
    private Storage storage;

    @BeforeEach
    void start() throws Exception {
        service = FakeBlobService.start();
        Map<String, String> env = Map.of(AzureStorageFactory.ACCOUNT, FakeBlobService.ACCOUNT,
                AzureStorageFactory.KEY, Base64.getEncoder().encodeToString(new byte[64]),
                AzureStorageFactory.ENDPOINT, service.endpoint());
        storage = AzureStorageFactory.open("azure://backups/vaults/one", env::get,
                new RetryingStorage.Policy(Duration.ofMillis(300), Duration.ofMillis(20), Duration.ofMillis(50)));
    }

    @AfterEach
    void stop() throws Exception {
        storage.close();
        service.close();
    }

    private ImmutableStorage immutability() {
        return storage.immutability().orElseThrow();
    }

    private List<Request> puts(String comp) {
        return service.requests.stream()
                .filter(r -> r.method().equals("PUT") && comp.equals(r.query().get("comp"))).toList();
    }

    private Blob blobWithPolicy(String until, String mode) {
        Blob b = service.addBlob("vaults/one/data/aa/pack");
        b.until = until;
        b.mode = mode;
        return b;
    }

    @Test
    void protectSendsTheExpiryToTheSecondAndTheMode() {
        service.addBlob("vaults/one/data/aa/pack");
        service.addBlob("vaults/one/data/bb/pack");
        immutability().protect("data/aa/pack", T, true);
        immutability().protect("data/bb/pack", T.plusMillis(250), false);

        List<Request> puts = puts("immutabilityPolicies");
        assertEquals(2, puts.size(), service.requests.toString());
        assertEquals(BLOB, puts.get(0).path());
        assertEquals(T_HEADER, puts.get(0).header("x-ms-immutability-policy-until-date"));
        assertEquals("Locked", puts.get(0).header("x-ms-immutability-policy-mode"));
        assertEquals("/devstoreaccount1/backups/vaults/one/data/bb/pack", puts.get(1).path());
        assertEquals("Tue, 04 Mar 2031 05:06:08 GMT", puts.get(1).header("x-ms-immutability-policy-until-date"),
                "a fraction of a second rounds up: the policy never ends before the asked time");
        assertEquals("Unlocked", puts.get(1).header("x-ms-immutability-policy-mode"));
    }

    @Test
    void protectNeverShortensAnExistingPolicy() {
        blobWithPolicy(T_HEADER, "Unlocked");
        immutability().protect("data/aa/pack", T.minus(Duration.ofDays(1)), false);
        immutability().protect("data/aa/pack", T, false);
        assertEquals(List.of(), puts("immutabilityPolicies"), "an earlier or equal expiry sends nothing");
        assertEquals(2, service.requests.stream().filter(r -> r.method().equals("HEAD") && r.path().equals(BLOB)).count(),
                "each call reads the blob's policy: " + service.requests);

        immutability().protect("data/aa/pack", T.plus(Duration.ofDays(1)), false);
        List<Request> puts = puts("immutabilityPolicies");
        assertEquals(1, puts.size());
        assertEquals("Wed, 05 Mar 2031 05:06:07 GMT", puts.get(0).header("x-ms-immutability-policy-until-date"));
        assertEquals("Unlocked", puts.get(0).header("x-ms-immutability-policy-mode"));
    }

    @Test
    void aLockedPolicyIsNeverWeakenedAndIsExtendedLocked() {
        blobWithPolicy(T_HEADER, "Locked");
        immutability().protect("data/aa/pack", T.minus(Duration.ofDays(1)), false);
        immutability().protect("data/aa/pack", T, false);
        immutability().protect("data/aa/pack", T, true);
        assertEquals(List.of(), puts("immutabilityPolicies"));

        immutability().protect("data/aa/pack", T.plus(Duration.ofDays(1)), false);
        List<Request> puts = puts("immutabilityPolicies");
        assertEquals(1, puts.size());
        assertEquals("Wed, 05 Mar 2031 05:06:07 GMT", puts.get(0).header("x-ms-immutability-policy-until-date"));
        assertEquals("Locked", puts.get(0).header("x-ms-immutability-policy-mode"), "extended, still locked");
    }

    @Test
    void lockingAnUnlockedPolicyKeepsItsLaterExpiry() {
        blobWithPolicy(T_HEADER, "Unlocked");
        immutability().protect("data/aa/pack", T.minus(Duration.ofDays(1)), true);
        List<Request> puts = puts("immutabilityPolicies");
        assertEquals(1, puts.size());
        assertEquals(T_HEADER, puts.get(0).header("x-ms-immutability-policy-until-date"));
        assertEquals("Locked", puts.get(0).header("x-ms-immutability-policy-mode"));
    }

    @Test
    void legalHoldIsSetAndCleared() {
        Blob b = service.addBlob("vaults/one/data/aa/pack");
        immutability().legalHold("data/aa/pack", true);
        assertTrue(b.legalHold);
        immutability().legalHold("data/aa/pack", false);
        assertFalse(b.legalHold);
        List<Request> puts = puts("legalhold");
        assertEquals(2, puts.size(), service.requests.toString());
        assertEquals(BLOB, puts.get(0).path());
        assertEquals("true", puts.get(0).header("x-ms-legal-hold"));
        assertEquals("false", puts.get(1).header("x-ms-legal-hold"));
    }

    /** The service's refusal to delete a held blob is the lock's code (garbage collection skips it), not a retry. */
    @Test
    void aDeleteTheServiceRefusesForAHoldIsVaultLocked() {
        Blob b = service.addBlob("vaults/one/data/aa/pack");
        immutability().legalHold("data/aa/pack", true);
        StreamVaultException e = assertThrows(StreamVaultException.class, () -> storage.delete("data/aa/pack"));
        assertEquals(ErrorCode.VAULT_LOCKED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("data/aa/pack") && e.getMessage().contains("BlobImmutableDueToLegalHold"),
                e.getMessage());
        immutability().legalHold("data/aa/pack", false);
        immutability().protect("data/aa/pack", T, true);
        e = assertThrows(StreamVaultException.class, () -> storage.delete("data/aa/pack"));
        assertEquals(ErrorCode.VAULT_LOCKED, e.code(), e.getMessage());
        b.until = null;
        storage.delete("data/aa/pack");
        assertTrue(storage.stat("data/aa/pack").isEmpty());
    }

    @Test
    void aMissingBlobIsObjectNotFoundNamingIt() {
        StreamVaultException e = assertThrows(StreamVaultException.class,
                () -> immutability().protect("data/aa/gone", T, true));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("data/aa/gone") && e.getMessage().contains(storage.location()), e.getMessage());
        assertEquals(List.of(), puts("immutabilityPolicies"));

        e = assertThrows(StreamVaultException.class, () -> immutability().legalHold("data/aa/gone", true));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("data/aa/gone"), e.getMessage());
    }

    @Test
    void probeReportsWhatTheContainerSays() {
        service.versioning = "true";
        Support s = immutability().probe();
        assertTrue(s.supported(), s.reason());
        Request r = service.requests.get(0);
        assertEquals("/devstoreaccount1/backups", r.path());
        assertEquals("container", r.query().get("restype"));

        service.versioning = "false";
        s = immutability().probe();
        assertFalse(s.supported());
        assertEquals("version-level immutability is not enabled on container backups", s.reason());

        service.versioning = null;
        s = immutability().probe();
        assertFalse(s.supported());
        assertTrue(s.reason().contains("container backups"), s.reason());

        service.containerRefusal = 501;
        s = immutability().probe();
        assertFalse(s.supported());
        assertTrue(s.reason().contains("container backups") && s.reason().contains("501"), s.reason());

        service.containerRefusal = 0;
        service.containerExists = false;
        s = immutability().probe();
        assertFalse(s.supported());
        assertEquals("container backups does not exist", s.reason());
    }

    @Test
    void probeThrowsWhenTheCredentialsAreRefused() {
        service.containerRefusal = 403;
        StreamVaultException e = assertThrows(StreamVaultException.class, () -> immutability().probe());
        assertEquals(ErrorCode.STORAGE_DENIED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("container backups") && e.getMessage().contains("403"), e.getMessage());
    }

    @Test
    void serviceTimeIsTheServicesClockEvenWhenTheContainerIsMissing() {
        service.clockOffset = Duration.ofHours(3);
        Instant expected = Instant.now().plus(Duration.ofHours(3));
        Instant t = storage.serviceTime().orElseThrow();
        assertTrue(Duration.between(expected, t).abs().compareTo(Duration.ofSeconds(5)) < 0,
                "the service's clock, 3 h ahead of this machine's: " + t);
        Request r = service.requests.get(0);
        assertEquals("/devstoreaccount1/backups", r.path());
        assertEquals("container", r.query().get("restype"));

        service.containerExists = false;
        t = storage.serviceTime().orElseThrow();
        assertTrue(Duration.between(expected, t).abs().compareTo(Duration.ofSeconds(5)) < 0, "from the 404: " + t);

        service.sendDate = false;
        assertTrue(storage.serviceTime().isEmpty());
    }
}
