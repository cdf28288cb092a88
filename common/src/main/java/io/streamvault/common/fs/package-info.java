/** POSIX file access that keeps names as raw bytes: metadata, extended attributes, times in ns. */
package io.streamvault.common.fs;
