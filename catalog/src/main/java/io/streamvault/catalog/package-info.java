/** Catalog role: assembles jobs into snapshots, seals them, restores them. */
package io.streamvault.catalog;
