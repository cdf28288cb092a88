package io.streamvault.server.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a token may do. Each role includes the one before it: a route declares the least role it
 * needs (see {@link RouteTable#add}), and every role that includes that one may call it. A new role
 * is a new constant naming the role it includes; the tokens file accepts it by its {@link #id}.
 */
public enum Role {
    /** Browse snapshots and trees, download files, read the OpenAPI document. */
    READ("read", null),
    /** Everything {@code read} may, and create, inspect and cancel restore jobs. */
    RESTORE("restore", READ),
    /**
     * Everything {@code restore} may, and what changes the vault: forget snapshots (by id or by a
     * retention policy), run garbage collections, and manage backup plans (reading them included).
     */
    ADMIN("admin", RESTORE),
    /**
     * Everything {@code admin} may, and lift a governance retention ({@code bypass_governance}); the
     * server's vault key must hold the right too (docs/lock.md).
     */
    GOVERNANCE("governance", ADMIN);

    private final String id;
    private final Role includes;

    Role(String id, Role includes) {
        this.id = id;
        this.includes = includes;
    }

    /** The name in the tokens file and in messages, e.g. {@code restore}. */
    public String id() {
        return id;
    }

    /** Whether a token of this role may call a route that needs {@code needed}. */
    public boolean allows(Role needed) {
        for (Role r = this; r != null; r = r.includes) {
            if (r == needed) {
                return true;
            }
        }
        return false;
    }

    /** The role named {@code id} (any case), if there is one. */
    public static Optional<Role> of(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.id.equals(lower)).findFirst();
    }

    /** Every role's id, for messages: {@code read, restore, admin}. */
    public static String ids() {
        return Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "));
    }
}
