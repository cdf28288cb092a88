package io.streamvault.vault.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.vault.BlobId;
import io.streamvault.vault.BlobLocation;
import io.streamvault.vault.BlobType;
import io.streamvault.vault.MasterIndex;
import io.streamvault.vault.PackBuilder;
import io.streamvault.vault.PackInfo;
import io.streamvault.vault.Storages;
import io.streamvault.vault.Vault;
import io.streamvault.vault.VaultOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two ways of loading the index (all objects at once, or counted first then a few at a time) agree. */
class IndexLoadTest {
    @TempDir
    Path tmp;

    @Test
    void loadingInTwoPassesGivesTheSameIndex() {
        try (Vault v = Vault.init(Storages.open(tmp.toString()), "pw".toCharArray(),
                VaultOptions.defaults().withKdfLogN(10))) {
            Random r = new Random(5);
            List<BlobId> ids = new ArrayList<>();
            for (int p = 0; p < 20; p++) {
                PackBuilder pack = v.newPack();
                for (int i = 0; i < 30; i++) {
                    byte[] b = new byte[100 + r.nextInt(200)];
                    r.nextBytes(b);
                    BlobId id = v.newHasher().id(b, 0, b.length);
                    pack.add(v.encode(BlobType.DATA, id, b, 0, b.length));
                    ids.add(id);
                }
                PackInfo info = v.writePack(pack);
                v.writeIndex(List.of(info));
            }
            VaultImpl impl = (VaultImpl) v;
            MasterIndex one = impl.loadIndex(Long.MAX_VALUE);
            MasterIndex two = impl.loadIndex(0);
            assertEquals(600, two.entryCount());
            assertEquals(one.entryCount(), two.entryCount());
            for (BlobId id : ids) {
                BlobLocation a = one.find(id).orElseThrow();
                BlobLocation b = two.find(id).orElseThrow();
                assertEquals(a, b);
            }
        }
    }
}
