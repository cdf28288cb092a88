package io.streamvault.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamvault.broker.internal.HangingTransactions.Open;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which open transactions a sweep takes as hanging: those the coordinator does not cover. */
class HangingTransactionsTest {
    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    private static TransactionDescription coordinator(TransactionState state, Set<TopicPartition> partitions) {
        return new TransactionDescription(1, state, 7, 0, 60_000, OptionalLong.of(1), partitions);
    }

    private static List<Open> hanging(TransactionDescription d) {
        Open open = new Open(A, 7, (short) 0, 10, 0);
        return HangingTransactions.hanging(List.of(open), d == null ? Map.of() : Map.of(7L, d));
    }

    @Test
    void aTransactionTheCoordinatorStillWorksOnIsLeftToIt() {
        for (TransactionState s : List.of(TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
                TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE)) {
            assertEquals(List.of(), hanging(coordinator(s, Set.of(A, B))), s.toString());
        }
    }

    @Test
    void aTransactionTheCoordinatorEndedOrNeverHadHereHangs() {
        for (TransactionState s : List.of(TransactionState.EMPTY, TransactionState.COMPLETE_COMMIT,
                TransactionState.COMPLETE_ABORT)) {
            assertEquals(1, hanging(coordinator(s, Set.of())).size(), s.toString());
        }
        assertEquals(1, hanging(coordinator(TransactionState.ONGOING, Set.of(B))).size(), "ongoing, but not here");
    }

    @Test
    void aProducerTheCoordinatorCannotNameIsLeftAlone() {
        assertEquals(List.of(), hanging(null));
    }
}
