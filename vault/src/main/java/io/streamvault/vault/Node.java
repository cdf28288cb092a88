package io.streamvault.vault;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import java.util.List;

/**
 * One entry of a {@link Tree}.
 *
 * @param name raw name bytes
 * @param mode permission and special bits (07777)
 * @param linkTarget raw symlink target, or null
 * @param content ordered chunk ids of a file
 * @param subtree tree id of a directory
 * @param error why the entry's content could not be read, or null
 */
public record Node(byte[] name, FileKind type, int mode, int uid, int gid, long size, long mtimeNs, long atimeNs,
        long ctimeNs, long inode, long dev, long nlink, long rdev, byte[] linkTarget, List<Xattr> xattrs,
        List<BlobId> content, BlobId subtree, String error, boolean changedDuringBackup) {
}
