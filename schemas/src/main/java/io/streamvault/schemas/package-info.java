/** Records on every topic, the topics themselves, and their Confluent-wire-format Avro serdes. */
package io.streamvault.schemas;
