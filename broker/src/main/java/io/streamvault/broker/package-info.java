/** The embedded single-node KRaft broker of the single-machine default. */
package io.streamvault.broker;
