/** The assembler processor, entry keys, tree building and node conversion. Not an API. */
package io.streamvault.catalog.internal;
