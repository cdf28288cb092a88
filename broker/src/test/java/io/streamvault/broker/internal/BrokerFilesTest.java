package io.streamvault.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.broker.internal.BrokerFiles.BrokerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerFilesTest {
    @TempDir
    Path state;

    @Test
    void brokerJsonRoundTripsAndBadFilesReadAsAbsent() throws Exception {
        BrokerFiles files = new BrokerFiles(state);
        files.create();
        assertTrue(Files.isDirectory(state.resolve("broker/data")));
        assertTrue(files.readInfo().isEmpty());

        BrokerInfo info = BrokerInfo.ofThisProcess("127.0.0.1:1234");
        files.writeInfo(info);
        assertEquals(info, files.readInfo().orElseThrow());
        assertTrue(Files.readString(files.info()).contains("\"bootstrap\" : \"127.0.0.1:1234\""));

        Files.writeString(files.info(), "{\"bootstrap\":");
        assertTrue(files.readInfo().isEmpty(), "a half-written file is not an address");
        Files.writeString(files.info(), "{\"pid\":5}");
        assertTrue(files.readInfo().isEmpty());

        files.deleteInfo();
        assertTrue(Files.notExists(files.info()));
    }

    @Test
    void stateLockExcludesASecondHolderUntilClosed() {
        BrokerFiles files = new BrokerFiles(state);
        files.create();
        StateLock first = StateLock.tryTake(files.lock()).orElseThrow();
        assertTrue(StateLock.tryTake(files.lock()).isEmpty());
        first.close();
        StateLock.tryTake(files.lock()).orElseThrow().close();
    }
}
