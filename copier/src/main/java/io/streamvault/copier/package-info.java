/**
 * Copies of a vault to another vault, in another region or account (docs/copies.md): every object
 * the vault writes is announced on {@code vault-events} ({@link io.streamvault.copier.KafkaVaultEvents});
 * the {@link io.streamvault.copier.Copier} writes each to the target byte for byte, create-only, so
 * that a snapshot appears on the target only when everything it reaches is there; and it catches up
 * by listing both sides when the topic cannot tell it everything.
 */
package io.streamvault.copier;
