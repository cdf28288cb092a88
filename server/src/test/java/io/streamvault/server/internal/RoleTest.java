package io.streamvault.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleTest {
    @Test
    void eachRoleMayDoWhatTheRoleItIncludesMay() {
        Map<Role, Set<Role>> allowed = Map.of(
                Role.READ, EnumSet.of(Role.READ),
                Role.RESTORE, EnumSet.of(Role.READ, Role.RESTORE),
                Role.ADMIN, EnumSet.of(Role.READ, Role.RESTORE, Role.ADMIN),
                Role.GOVERNANCE, EnumSet.of(Role.READ, Role.RESTORE, Role.ADMIN, Role.GOVERNANCE));
        assertEquals(EnumSet.allOf(Role.class), allowed.keySet(), "every role is in this table");
        for (Role holder : Role.values()) {
            for (Role needed : Role.values()) {
                assertEquals(allowed.get(holder).contains(needed), holder.allows(needed), holder + " needing " + needed);
            }
        }
    }

    @Test
    void rolesAreNamedByTheirIdsInAnyCase() {
        for (Role r : Role.values()) {
            assertEquals(Optional.of(r), Role.of(r.id()));
            assertEquals(Optional.of(r), Role.of(r.id().toUpperCase()));
        }
        assertEquals(Optional.of(Role.ADMIN), Role.of("Admin"));
        assertTrue(Role.of("owner").isEmpty());
        assertTrue(Role.of("").isEmpty());
        assertEquals("read, restore, admin, governance", Role.ids());
    }
}
