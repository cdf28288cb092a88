package io.streamvault.vault;

import io.streamvault.common.fs.FileKind;
import io.streamvault.common.fs.Xattr;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a {@link Tree}.
 *
 * @param name raw name bytes
 * @param mode permission and special bits (07777)
 * @param linkTarget raw symlink target, or null
 * @param content ordered chunk ids of a file
 * @param subtree tree id of a directory
 * @param error why the entry's content could not be read, or null
 *
 * <p>Equality compares the contents of the arrays (a record would compare their identities): two
 * equal nodes encode to the same bytes.
 */
public record Node(byte[] name, FileKind type, int mode, int uid, int gid, long size, long mtimeNs, long atimeNs,
        long ctimeNs, long inode, long dev, long nlink, long rdev, byte[] linkTarget, List<Xattr> xattrs,
        List<BlobId> content, BlobId subtree, String error, boolean changedDuringBackup) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && Arrays.equals(name, n.name) && type == n.type && mode == n.mode && uid == n.uid
                && gid == n.gid && size == n.size && mtimeNs == n.mtimeNs && atimeNs == n.atimeNs
                && ctimeNs == n.ctimeNs && inode == n.inode && dev == n.dev && nlink == n.nlink && rdev == n.rdev
                && Arrays.equals(linkTarget, n.linkTarget) && Objects.equals(xattrs, n.xattrs)
                && Objects.equals(content, n.content) && Objects.equals(subtree, n.subtree)
                && Objects.equals(error, n.error) && changedDuringBackup == n.changedDuringBackup;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(name), type, mode, size, mtimeNs, ctimeNs, inode, content, subtree);
    }
}
