/** Uploader role: reads new chunks from the source, writes packs to the vault, publishes chunk-stored events. */
package io.streamvault.uploader;
