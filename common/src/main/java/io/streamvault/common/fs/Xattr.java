package io.streamvault.common.fs;

/** One extended attribute, name and value as raw bytes. */
public record Xattr(byte[] name, byte[] value) {
}
