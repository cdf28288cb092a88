package io.streamvault.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The lag gauges age from their measurement on: a copier that stopped measuring is seen. */
class CopyLagGaugesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double gauge(String name, String target) {
        return registry.get(name).tag("target", target).gauge().value();
    }

    @Test
    void theLagInSecondsAndTheMeasurementsAgeGrowUntilTheNextMeasurement() {
        CopyLagGauges lags = new CopyLagGauges(registry);
        long now = System.currentTimeMillis();
        lags.measured("azure://copy", now - 600_000, 3, 4096, 1, 100); // ten minutes ago, 100 s behind then
        double seconds = gauge("streamvault.copy.lag.seconds", "azure://copy");
        assertTrue(seconds >= 700 && seconds < 760, "100 s then, ten minutes on: " + seconds);
        double age = gauge("streamvault.copy.lag.measured.age.seconds", "azure://copy");
        assertTrue(age >= 600 && age < 660, String.valueOf(age));
        assertEquals(4096, gauge("streamvault.copy.lag.bytes", "azure://copy"));

        lags.measured("azure://copy", System.currentTimeMillis(), 0, 0, 0, 0); // caught up, just now
        assertEquals(0, gauge("streamvault.copy.lag.seconds", "azure://copy"), "nothing missing does not age");
        assertTrue(gauge("streamvault.copy.lag.measured.age.seconds", "azure://copy") < 60);
        assertEquals(0, gauge("streamvault.copy.lag.snapshots", "azure://copy"));
    }
}
