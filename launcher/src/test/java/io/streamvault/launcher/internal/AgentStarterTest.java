package io.streamvault.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.Retentions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentStarterTest {
    private static final Map<String, String> SCRIPT = Map.of(AgentStarter.LAUNCHER_ENV, "/opt/streamvault/bin/streamvault");

    @Test
    void onlyBinStreamvaultAtATerminalStartsAnAgentAndTheVariableDecides() {
        assertNull(AgentStarter.idle(Map.of(), true), "a command run without the script runs its job itself");
        assertEquals(AgentStarter.DEFAULT_IDLE, AgentStarter.idle(SCRIPT, true));
        assertNull(AgentStarter.idle(SCRIPT, false), "cron, systemd and scripts run their jobs themselves unless asked");
        assertEquals(Duration.ofHours(2), AgentStarter.idle(with("2h"), false));
        assertEquals(Duration.ofSeconds(90), AgentStarter.idle(with(" 90s "), false));
        assertNull(AgentStarter.idle(with("0"), false));
        assertNull(AgentStarter.idle(with("off"), false));
        assertNull(AgentStarter.idle(with("0s"), false));
        FatalException e = assertThrows(FatalException.class, () -> AgentStarter.idle(with("soon"), false));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertEquals(true, e.getMessage().contains(AgentStarter.IDLE_ENV), e.getMessage());
    }

    @Test
    void durationsReadBackAsTheyAreShown() {
        assertEquals("30min", Retentions.format(Duration.ofMinutes(30)));
        assertEquals("2h", Retentions.format(Duration.ofHours(2)));
        assertEquals("90min", Retentions.format(Duration.ofMinutes(90)));
        assertEquals("45s", Retentions.format(Duration.ofSeconds(45)));
        assertEquals("0s", Retentions.format(Duration.ZERO));
        for (String s : new String[] {"30min", "2h", "45s", "90min"}) {
            assertEquals(s, Retentions.format(AgentStarter.idle(with(s), false)));
        }
    }

    private static Map<String, String> with(String idle) {
        return Map.of(AgentStarter.LAUNCHER_ENV, "/opt/streamvault/bin/streamvault", AgentStarter.IDLE_ENV, idle);
    }
}
