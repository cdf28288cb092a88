package io.streamvault.common.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UserHomeTest {
    @Test
    void homeComesFromTheEnvironmentFirst() {
        assertEquals(Path.of("/home/env"), UserHome.of("/home/env", "/home/jvm"));
        assertEquals(Path.of("/home/jvm"), UserHome.of(null, "/home/jvm"), "no $HOME: the JVM's user.home");
        assertEquals(Path.of("/home/jvm"), UserHome.of("  ", "/home/jvm"), "a blank $HOME is not a home");
    }
}
