/** Registry clients and the wire-format codec. Not an API. */
package io.streamvault.schemas.internal;
