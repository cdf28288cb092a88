/**
 * POSIX file access that keeps names as raw bytes: metadata, extended attributes, times in ns; and
 * globs over such names.
 */
package io.streamvault.common.fs;
