/** Implementation of the vault format: crypto, codecs, storage backends. Not an API. */
package io.streamvault.vault.internal;
