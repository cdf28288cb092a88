/** The scheduler's state per partition and its decisions (pure), and the Avro form of runs. */
package io.streamvault.scheduler.internal;
