/** Benchmark programs; see bench/*.sh and docs/performance.md. */
package io.streamvault.bench;
