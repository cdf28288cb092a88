/** The restore walk, glob matching and file writing. Not an API. */
package io.streamvault.restore.internal;
