/** Directory listing, metadata conversion and the scan handler. Not an API. */
package io.streamvault.scanner.internal;
