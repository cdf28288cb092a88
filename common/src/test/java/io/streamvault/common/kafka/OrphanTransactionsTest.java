package io.streamvault.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Who owns a transactional id and a group member: the process, as the sweep tells them apart. */
class OrphanTransactionsTest {
    @Test
    void aWorkersOwnerIsItsSlotWhateverDotsTheInstanceHolds() {
        OrphanTransactions.Group g = OrphanTransactions.Group.workers("sv.uploader");
        assertEquals("sv.uploader.node1.example.com", g.owner().apply("sv.uploader.node1.example.com.3"));
        assertEquals("sv.uploader.node1.example.com", g.memberOwner().apply("sv.uploader.node1.example.com.0"));
        assertNull(g.memberOwner().apply("producer-1"), "a client id of another form: the sweep ends nothing");
        assertNull(g.owner().apply("sv.uploader.x"), "no instance");
    }

    @Test
    void aStreamsOwnerIsItsProcessWhoseIdHoldsDashes() {
        OrphanTransactions.Group g = OrphanTransactions.Group.streams("sv-dedup");
        String process = "sv-dedup-3f1c9a0e-6b2d-4c55-9e1f-0a2b3c4d5e6f";
        assertEquals(process, g.owner().apply(process + "-1"));
        assertEquals(process, g.memberOwner().apply(process + "-StreamThread-1-consumer"));
        assertNull(g.memberOwner().apply("dedup-StreamThread-1-consumer"), "an overridden client id");
        assertNull(g.memberOwner().apply("sv-dedup"), "no thread");
    }
}
