/** Formatting, configuring and running the in-process KRaft server. Not an API. */
package io.streamvault.broker.internal;
