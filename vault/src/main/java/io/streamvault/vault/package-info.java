/** The vault: its objects (keys, config, packs, index, trees, snapshots) and the storage they live on. */
package io.streamvault.vault;
