package io.streamvault.common.fs;

/**
 * The result of lstat(2): never follows a symlink.
 *
 * @param mode permission and special bits only ({@code st_mode & 07777}); the type is in {@code kind}
 * @param rdev device number for character and block devices, else 0
 */
public record FileMeta(FileKind kind, int mode, int uid, int gid, long size, long mtimeNs, long atimeNs,
        long ctimeNs, long inode, long dev, long nlink, long rdev) {
}
