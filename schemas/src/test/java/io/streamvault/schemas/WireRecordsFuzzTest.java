package io.streamvault.schemas;

import static io.streamvault.common.HostileInput.PER_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamvault.common.HostileInput;
import io.streamvault.common.StreamVaultException;
import io.streamvault.schemas.records.CatalogJob;
import io.streamvault.schemas.records.ChunkAck;
import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkState;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.CopyStatus;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.DirScanned;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileEvent;
import io.streamvault.schemas.records.FileManifest;
import io.streamvault.schemas.records.GcControl;
import io.streamvault.schemas.records.GcReply;
import io.streamvault.schemas.records.GcRequest;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.schemas.records.PlanRun;
import io.streamvault.schemas.records.UploadRequest;
import io.streamvault.schemas.records.VaultEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target for the records of every Kafka topic (docs/reliability.md, Hostile and damaged input):
 * any bytes give a record or the SerializationException the roles send to the dead-letter topic,
 * within {@link HostileInput}'s time and heap budget. Byte 0 picks the record type (its index in
 * {@link #TYPES}); with bit 7 set the rest is the whole record as on the wire, else the rest is the
 * Avro body behind a valid header (magic byte and the type's schema id). Seeds:
 * {@code src/test/resources/.../WireRecordsFuzzTestInputs/record/}; {@code bench/fuzz.sh} fuzzes.
 */
@Timeout(HostileInput.TIMEOUT_SECONDS)
class WireRecordsFuzzTest {
    /** The value type of every topic of {@link Topics}, and of the state stores (their changelog topics). */
    static final List<Class<? extends SpecificRecord>> TYPES = List.of(JobStarted.class, DirTask.class,
            DirScanned.class, FileEvent.class, FileManifest.class, ChunkRecord.class, UploadRequest.class,
            ChunkStored.class, ChunkAck.class, JobStatus.class, DeadLetter.class, GcRequest.class, GcControl.class,
            GcReply.class, PlanRun.class, VaultEvent.class, CopyStatus.class, CatalogJob.class, ChunkState.class);
    private static final SchemaRegistry REGISTRY = SchemaRegistries.inMemory();
    private static final int[] IDS = new int[TYPES.size()];
    private static final List<Deserializer<? extends SpecificRecord>> READERS = TYPES.stream()
            .<Deserializer<? extends SpecificRecord>>map(t -> AvroSerde.forValues(REGISTRY, t).deserializer()).toList();

    static {
        for (int i = 0; i < TYPES.size(); i++) {
            IDS[i] = REGISTRY.register(TYPES.get(i).getSimpleName() + "-value", SpecificData.get().getSchema(TYPES.get(i)));
        }
    }

    @Test
    void everyRecordTypeIsATarget() throws IOException {
        Set<String> targets = TYPES.stream().map(Class::getSimpleName).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
            List<String> missing = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".avsc"))
                    .map(f -> f.substring(0, f.length() - ".avsc".length())).filter(t -> !targets.contains(t)).toList();
            assertEquals(List.of(), missing, "every top-level record type belongs in TYPES");
        }
    }

    @FuzzTest
    void record(byte[] in) {
        if (in.length == 0) {
            return;
        }
        int type = (in[0] & 0x7f) % TYPES.size();
        byte[] wire;
        if ((in[0] & 0x80) != 0) {
            wire = Arrays.copyOfRange(in, 1, in.length);
        } else {
            wire = new byte[4 + in.length];
            int id = IDS[type];
            wire[1] = (byte) (id >>> 24);
            wire[2] = (byte) (id >>> 16);
            wire[3] = (byte) (id >>> 8);
            wire[4] = (byte) id;
            System.arraycopy(in, 1, wire, 5, in.length - 1);
        }
        HostileInput.check(in, PER_BYTE, e -> e instanceof SerializationException || e instanceof StreamVaultException,
                () -> READERS.get(type).deserialize("fuzz", wire));
    }
}
