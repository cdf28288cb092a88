/** Kafka plumbing shared by every role: topic declarations, topic creation, the transactional worker loop. */
package io.streamvault.common.kafka;
