package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.schemas.records.JobProgress;
import io.streamvault.schemas.records.JobStarted;
import io.streamvault.schemas.records.JobState;
import io.streamvault.schemas.records.JobStatus;
import io.streamvault.server.JobView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobViewsTest {
    static final long START_MS = 1_700_000_000_000L;
    static final JobStarted JOB = JobStarted.newBuilder().setJob("j1").setHost("node-1")
            .setRoot(ByteBuffer.wrap("/data".getBytes(StandardCharsets.UTF_8))).setTimeNs(START_MS * 1_000_000L)
            .setTags(List.of("daily")).build();

    static JobStatus status(JobState state, long atMs, long dirsScanned, long read, long toRead) {
        JobProgress p = new JobProgress(); // not the builder: its defaults would load WorkerStats through Avro's trust
        p.setDirsExpected(10L);
        p.setDirsScanned(dirsScanned);
        p.setEntriesExpected(500L);
        p.setEntriesReceived(200L);
        p.setBytesRead(read);
        p.setBytesToRead(toRead);
        p.setBytesTotal(toRead * 2);
        p.setBytesAdded(read / 2);
        p.setWorkers(Map.of());
        return JobStatus.newBuilder().setJob("j1").setState(state).setTimeMs(atMs).setProgress(p)
                .setSnapshot(state == JobState.SEALED ? "abc" : null).build();
    }

    @Test
    void aRunningJobHasARateAndOnceScannedAnEta() {
        JobView scanning = JobViews.of("j1", JOB, status(JobState.RUNNING, START_MS + 10_000, 4, 100 << 20, 300 << 20));
        assertEquals("running", scanning.state());
        assertEquals(10L << 20, scanning.rateBytesPerS(), "bytes read over the time since the start");
        assertEquals(-1, scanning.etaMs(), "no ETA while the scan may still find more");
        assertFalse(scanning.totalsFinal());
        assertNull(scanning.ended());
        assertEquals("/data", scanning.path());
        assertEquals(List.of("daily"), scanning.tags());

        JobView scanned = JobViews.of("j1", JOB, status(JobState.RUNNING, START_MS + 10_000, 10, 100 << 20, 300 << 20));
        assertTrue(scanned.totalsFinal());
        assertEquals(20_000, scanned.etaMs(), "200 MiB left at 10 MiB/s");
    }

    @Test
    void aSealedJobHasEndedAndNamesItsSnapshot() {
        JobView sealed = JobViews.of("j1", JOB, status(JobState.SEALED, START_MS + 4_000, 10, 40, 40));
        assertEquals("sealed", sealed.state());
        assertEquals(0, sealed.etaMs());
        assertEquals("abc", sealed.snapshot());
        assertEquals(sealed.updated(), sealed.ended());
    }

    @Test
    void whatIsNotKnownStaysEmpty() {
        JobView noStatus = JobViews.of("j1", JOB, null);
        assertEquals("running", noStatus.state());
        assertEquals(-1, noStatus.etaMs());
        JobView noJob = JobViews.of("j1", null, status(JobState.FAILED, START_MS, 1, 0, 0));
        assertEquals("", noJob.host());
        assertEquals(-1, noJob.rateBytesPerS(), "no start, no rate");
        assertEquals("failed", noJob.state());
    }
}
