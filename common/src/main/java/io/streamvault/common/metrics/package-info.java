/**
 * What every role's meters share (docs/metrics.md): the registry that counts nothing, the errors by
 * code, Kafka's own client metrics. The roles count with Micrometer's API only; the launcher owns
 * the Prometheus registry that serves them.
 */
package io.streamvault.common.metrics;
