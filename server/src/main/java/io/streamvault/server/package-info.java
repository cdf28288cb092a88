/**
 * The HTTP API: {@code streamvault serve}, a Vert.x server for browsing, downloading and restoring,
 * and for forget, garbage collection and statistics.
 */
package io.streamvault.server;
