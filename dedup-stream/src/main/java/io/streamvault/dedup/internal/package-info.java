/** The dedup processor and its stores. Not an API. */
package io.streamvault.dedup.internal;
