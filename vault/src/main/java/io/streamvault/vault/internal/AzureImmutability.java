package io.streamvault.vault.internal;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobImmutabilityPolicy;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobStorageException;
import io.streamvault.vault.ImmutableStorage;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Version-level immutability of the blobs of one {@link AzureStorage}, each call one attempt classified
 * as the storage's other calls are (a missing blob {@code OBJECT_NOT_FOUND}):
 *
 * <ul>
 *   <li>{@code probe}: Get Container Properties; supported when the service answers
 *       {@code x-ms-immutable-storage-with-versioning-enabled: true}. A false or absent header, a missing
 *       container or a service that refuses the request (400, 405, 501: an emulator) are "unsupported"
 *       with the reason; denied credentials and transient failures are thrown.</li>
 *   <li>{@code protect}: Get Blob Properties, then, only when the policy must grow, Set Blob
 *       Immutability Policy ({@code PUT ?comp=immutabilityPolicies} with
 *       {@code x-ms-immutability-policy-until-date} and {@code x-ms-immutability-policy-mode}). The
 *       header holds whole seconds, so the expiry is rounded up to the next second. The new expiry is
 *       the later of the asked and the existing one, and a locked policy stays locked.</li>
 *   <li>{@code legalHold}: Set Blob Legal Hold ({@code PUT ?comp=legalhold}, {@code x-ms-legal-hold}).</li>
 * </ul>
 *
 * <p>The read-then-set of {@code protect} is not atomic: a concurrent caller setting a shorter unlocked
 * policy between the two requests could shorten it (a locked one the service never shortens).
 */
final class AzureImmutability implements ImmutableStorage {
    private final AzureStorage storage;

    AzureImmutability(AzureStorage storage) {
        this.storage = storage;
    }

    @Override
    public Support probe() {
        BlobContainerClient container = storage.container();
        String name = container.getBlobContainerName();
        return storage.once("read the properties of container " + name, () -> {
            Boolean enabled;
            try {
                enabled = container.getPropertiesWithResponse(null, null, Context.NONE).getValue()
                        .isImmutableStorageWithVersioningEnabled();
            } catch (BlobStorageException e) {
                int status = e.getStatusCode();
                if (status == 404) {
                    return new Support(false, "container " + name + " does not exist");
                }
                if (status == 400 || status == 405 || status == 501) {
                    return new Support(false, "the service refused to read the properties of container " + name
                            + " (" + AzureStorage.describe(e) + ")");
                }
                throw e;
            }
            if (enabled == null) {
                return new Support(false, "the service does not say whether container " + name
                        + " has version-level immutability (emulators such as Azurite do not implement it)");
            }
            return enabled
                    ? new Support(true, "version-level immutability is enabled on container " + name)
                    : new Support(false, "version-level immutability is not enabled on container " + name);
        });
    }

    @Override
    public void protect(String name, Instant until, boolean locked) {
        if (until == null) {
            throw Errors.invalid("no expiry for the immutability policy of object " + name + " in " + storage.location());
        }
        BlobClient blob = storage.blob(name);
        OffsetDateTime wanted = roundUpToSecond(until).atOffset(ZoneOffset.UTC);
        storage.once("set the immutability policy of", name, () -> {
            BlobImmutabilityPolicy current;
            try {
                current = blob.getPropertiesWithResponse(null, null, Context.NONE).getValue().getImmutabilityPolicy();
            } catch (BlobStorageException e) {
                throw storage.notFoundOr(e, name);
            }
            OffsetDateTime expiry = current == null ? null : current.getExpiryTime();
            boolean wasLocked = current != null && BlobImmutabilityPolicyMode.LOCKED.equals(current.getPolicyMode());
            if (expiry != null && !expiry.isBefore(wanted) && (wasLocked || !locked)) {
                return null; // already at least as long and as strong
            }
            BlobImmutabilityPolicy policy = new BlobImmutabilityPolicy()
                    .setExpiryTime(expiry != null && expiry.isAfter(wanted) ? expiry.withOffsetSameInstant(ZoneOffset.UTC) : wanted)
                    .setPolicyMode(locked || wasLocked ? BlobImmutabilityPolicyMode.LOCKED : BlobImmutabilityPolicyMode.UNLOCKED);
            try {
                blob.setImmutabilityPolicyWithResponse(policy, null, null, Context.NONE);
            } catch (BlobStorageException e) {
                throw storage.notFoundOr(e, name);
            }
            return null;
        });
    }

    @Override
    public void legalHold(String name, boolean hold) {
        BlobClient blob = storage.blob(name);
        storage.once(hold ? "set the legal hold of" : "clear the legal hold of", name, () -> {
            try {
                blob.setLegalHoldWithResponse(hold, null, Context.NONE);
            } catch (BlobStorageException e) {
                throw storage.notFoundOr(e, name);
            }
            return null;
        });
    }

    /** The service keeps whole seconds; rounding down would end the policy before {@code t}. */
    static Instant roundUpToSecond(Instant t) {
        Instant s = t.truncatedTo(ChronoUnit.SECONDS);
        return s.equals(t) ? s : s.plusSeconds(1);
    }
}
