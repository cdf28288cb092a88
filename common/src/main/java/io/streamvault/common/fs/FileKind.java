package io.streamvault.common.fs;

/** The type of a file-system entry, from the file-type bits of st_mode. */
public enum FileKind {
    FILE, DIR, SYMLINK, FIFO, SOCKET, CHAR_DEVICE, BLOCK_DEVICE
}
