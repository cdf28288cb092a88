/** The HTTP restore API: {@code streamvault serve}, a Vert.x server for browsing, downloading and restoring. */
package io.streamvault.server;
