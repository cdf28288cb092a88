/** Dedup role: the chunk-state topology (one owner per chunk id, by partitioning) and its runner. */
package io.streamvault.dedup;
