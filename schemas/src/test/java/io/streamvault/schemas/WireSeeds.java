package io.streamvault.schemas;

import io.streamvault.schemas.records.ChunkRecord;
import io.streamvault.schemas.records.ChunkStored;
import io.streamvault.schemas.records.DeadLetter;
import io.streamvault.schemas.records.DirTask;
import io.streamvault.schemas.records.FileManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes the seed inputs of {@link WireRecordsFuzzTest} from {@link Samples}: records of several
 * shapes, as the target reads them. Run once when a schema changes: {@code java -cp ...
 * io.streamvault.schemas.WireSeeds schemas/src/test/resources/io/streamvault/schemas/WireRecordsFuzzTestInputs/record}.
 */
final class WireSeeds {
    private WireSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Files.createDirectories(Path.of(args[0]));
        SchemaRegistry registry = SchemaRegistries.inMemory();
        write(out, registry, DirTask.class, Samples::dirTask);
        write(out, registry, ChunkRecord.class, Samples::chunk);
        write(out, registry, ChunkStored.class, Samples::stored);
        write(out, registry, DeadLetter.class, Samples::deadLetter);
        write(out, registry, FileManifest.class, Samples::manifest);
    }

    private static <T extends SpecificRecord> void write(Path out, SchemaRegistry registry, Class<T> type,
            IntFunction<T> sample) throws IOException {
        AvroSerde<T> serde = AvroSerde.forValues(registry, type);
        int index = WireRecordsFuzzTest.TYPES.indexOf(type);
        for (int i = 0; i < 3; i++) {
            byte[] wire = serde.serializer().serialize("seeds", sample.apply(i));
            byte[] in = new byte[wire.length - 4];
            in[0] = (byte) index;
            System.arraycopy(wire, 5, in, 1, wire.length - 5);
            Files.write(out.resolve(type.getSimpleName() + "-" + i), in);
            if (i == 0) {
                byte[] raw = new byte[wire.length + 1];
                raw[0] = (byte) (0x80 | index);
                System.arraycopy(wire, 0, raw, 1, wire.length);
                Files.write(out.resolve(type.getSimpleName() + "-wire"), raw);
            }
        }
    }
}
