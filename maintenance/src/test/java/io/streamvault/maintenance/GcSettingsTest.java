package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GcSettingsTest {
    @Test
    void aShareIsAPercentageOrAFraction() {
        assertEquals(0.05, GcSettings.maxUnused("--max-unused", "5%"), 1e-12);
        assertEquals(0.05, GcSettings.maxUnused("--max-unused", " 5 "), 1e-12);
        assertEquals(0.05, GcSettings.maxUnused("--max-unused", "0.05"), 1e-12);
        assertEquals(0, GcSettings.maxUnused("--max-unused", "0%"));
        assertEquals(1, GcSettings.maxUnused("--max-unused", "100%"));
        for (String bad : new String[] {"", "%", "five", "-1%", "101%", "150", "NaN", "Infinity%"}) {
            FatalException e = assertThrows(FatalException.class, () -> GcSettings.maxUnused("max_unused", bad), bad);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().startsWith("max_unused: '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void aFenceIsADurationBackFromNow() {
        assertEquals(Duration.ofHours(6), GcSettings.fenceAfter("--fence-after", "6h"));
        assertEquals(Duration.ofDays(2), GcSettings.fenceAfter("--fence-after", "2d"));
        FatalException e = assertThrows(FatalException.class, () -> GcSettings.fenceAfter("fence_after", "6 hours"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().startsWith("fence_after: bad duration"), e.getMessage());
    }
}
