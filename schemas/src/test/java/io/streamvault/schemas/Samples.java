package io.streamvault.schemas;

import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkSource;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.FileOrigin;
import io.streamvault.schemas.records.NodeRecord;
import io.streamvault.schemas.records.NodeType;
import io.streamvault.schemas.records.StoreStatus;
import io.streamvault.schemas.records.Xattr;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Records of several shapes: strings, raw bytes, enums, unions, nested records, arrays. */
public final class Samples {
    private Samples() {
    }

    public static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    public static ByteBuffer raw(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return ByteBuffer.wrap(out);
    }

    public static DirTask dirTask(int i) {
        return DirTask.newBuilder().setJob("job-" + i).setRoot(bytes("/data")).setRel(raw('a', 0xff, 0xfe, '\n', i))
                .setParentTree(i % 2 == 0 ? null : raw(1, 2, 3, i)).setForceRead(i % 3 == 0).build();
    }

    public static ChunkSource source(int i) {
        return ChunkSource.newBuilder().setPath(bytes("/data/f" + i)).setOffset(1L << 40 | i).setLength(1 << 20)
                .setDir(bytes("d")).setName(raw(0xc3, 0x28, i)).setPart(i % 4).setAttempt(1).build();
    }

    public static ChunkRecord chunk(int i) {
        return ChunkRecord.newBuilder().setId(raw(new int[32])).setJob("j" + i).setSource(source(i)).build();
    }

    public static ChunkStored stored(int i) {
        return ChunkStored.newBuilder().setId(raw(9, 9, i)).setStatus(StoreStatus.values()[i % 3])
                .setPack(i % 2 == 0 ? raw(7, i) : null).setOffset(i * 1000L).setLength(i).setRawLength(2 * i)
                .setSource(i % 2 == 0 ? source(i) : null).setError(i % 3 == 2 ? "unreadable: EIO" : null)
                .setWorker("host-" + i).build();
    }

    public static DeadLetter deadLetter(int i) {
        return DeadLetter.newBuilder().setTopic("t").setPartition(i).setOffset(i).setKey(null).setValue(raw(1, 2))
                .setError("malformed: ünïcödé ✓").setTimeMs(1_700_000_000_000L).build();
    }

    public static FileManifest manifest(int i) {
        NodeRecord node = NodeRecord.newBuilder().setName(raw('f', 0x80, i)).setType(NodeType.FILE).setMode(0644).setUid(1000)
                .setGid(1000).setSize(12345).setMtimeNs(-1L).setAtimeNs(Long.MAX_VALUE).setCtimeNs(Long.MIN_VALUE)
                .setInode(i).setDev(66306).setNlink(1)
                .setXattrs(List.of(Xattr.newBuilder().setName(bytes("user.x")).setValue(raw(0, 1, 2)).build()))
                .setContent(List.of(raw(1, i), raw(2, i), raw(3, i))).build();
        return FileManifest.newBuilder().setJob("job").setDir(bytes("a/b")).setNode(node)
                .setOrigin(FileOrigin.CHANGED).setParts(3).setPart(i % 3).setBytesRead(12345).build();
    }
}
