package io.streamvault.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.common.StreamVaultException;
import io.streamvault.vault.ObjectKind;
import io.streamvault.vault.Vault;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Plans as the vault keeps them (docs/plans.md, Storage): every version of a plan is one sealed
 * document {@code plans/<id>}, JSON; the newest version of each name wins (by {@code updated_ns},
 * then id), and deleting a plan writes a version that says so. Nothing is overwritten, so a
 * crash mid-write leaves the previous version in force, and a cluster pointed at the vault reads
 * its plans back from here.
 */
public final class PlanStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vault vault;

    public PlanStore(Vault vault) {
        this.vault = vault;
    }

    /** This machine's clock in ns since the epoch: what the writers of plans (commands, API) stamp versions with. */
    public static long nowNs() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** The plans in force, by name. A version that cannot be read is handed to {@code onError}. */
    public Map<String, Plan> load(Consumer<StreamVaultException> onError) {
        Map<String, Version> newest = new TreeMap<>();
        for (Vault.Document d : vault.readDocuments(ObjectKind.PLAN, onError)) {
            Version v;
            try {
                v = parse(d);
            } catch (FatalException e) {
                onError.accept(e);
                continue;
            }
            newest.merge(v.name, v, (a, b) -> ORDER.compare(a, b) >= 0 ? a : b);
        }
        Map<String, Plan> out = new TreeMap<>();
        newest.forEach((name, v) -> {
            if (v.plan != null) {
                out.put(name, v.plan);
            }
        });
        return out;
    }

    /** The plans in force; the first unreadable version is thrown. */
    public Map<String, Plan> load() {
        List<StreamVaultException> errors = new ArrayList<>();
        Map<String, Plan> out = load(errors::add);
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        return out;
    }

    public Optional<Plan> get(String name) {
        return Optional.ofNullable(load().get(Plan.requireName(name)));
    }

    /** The plan in force named {@code name}; PLAN_NOT_FOUND when there is none. */
    public Plan require(String name) {
        return get(name).orElseThrow(() -> notFound(name));
    }

    /** Writes a new version of the plan, stamped after every earlier version of it; returns it. */
    public Plan save(Plan plan, long nowNs) {
        plan.validated();
        Plan stamped = plan.withUpdatedNs(after(plan.name(), nowNs));
        vault.writeDocument(ObjectKind.PLAN, write(stamped, false));
        return stamped;
    }

    /** Writes the version that deletes the plan; PLAN_NOT_FOUND when there is none. */
    public Plan delete(String name, long nowNs) {
        Plan p = require(name);
        vault.writeDocument(ObjectKind.PLAN, write(p.withUpdatedNs(after(name, nowNs)), true));
        return p;
    }

    public static FatalException notFound(String name) {
        return new FatalException(ErrorCode.PLAN_NOT_FOUND, "no plan named '" + name + "' in this vault");
    }

    private long after(String name, long nowNs) {
        long latest = 0;
        for (Vault.Document d : vault.readDocuments(ObjectKind.PLAN, e -> { })) {
            try {
                Version v = parse(d);
                if (v.name.equals(name)) {
                    latest = Math.max(latest, v.updatedNs);
                }
            } catch (FatalException e) {
                // an unreadable version does not order anything
            }
        }
        return Math.max(nowNs, latest + 1);
    }

    private record Version(String id, String name, long updatedNs, Plan plan) {
    }

    private static final Comparator<Version> ORDER = Comparator.comparingLong(Version::updatedNs).thenComparing(Version::id);

    static byte[] write(Plan p, boolean deleted) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", 1);
        o.put("name", p.name());
        o.put("updated_ns", p.updatedNs());
        if (deleted) {
            o.put("deleted", true);
        } else {
            o.put("path", p.path());
            if (p.schedule() != null) {
                o.put("schedule", p.schedule());
            }
            o.put("zone", p.zone().getId());
            ObjectNode keep = o.putObject("keep");
            p.keepInOrder().forEach(keep::put);
            o.put("retain_s", p.retainSeconds());
            p.tags().forEach(o.putArray("tags")::add);
            p.excludes().forEach(o.putArray("excludes")::add);
            if (p.host() != null) {
                o.put("host", p.host());
            }
            o.put("overlap", p.overlap().name().toLowerCase(Locale.ROOT));
            o.put("paused", p.paused());
            o.put("continuous", p.continuous());
            o.put("rpo_s", p.rpo().toSeconds());
            o.put("full_walk_every_s", p.fullWalkEvery().toSeconds());
            o.put("gc", p.gc());
            if (p.copyTo() != null) {
                o.put("copy_to", p.copyTo());
            }
            o.put("active_since_ns", p.activeSinceNs());
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new FatalException(ErrorCode.INTERNAL, "cannot write plan " + p.name() + ": " + e, e);
        }
    }

    private static Version parse(Vault.Document d) {
        String what = "plan document plans/" + d.id();
        JsonNode o;
        try {
            o = JSON.readTree(d.plaintext());
        } catch (IOException e) {
            throw corrupt(what + " is not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject() || o.path("version").asInt() != 1 || !o.path("name").isTextual()
                || !o.path("updated_ns").canConvertToLong()) {
            throw corrupt(what + " is not a version 1 plan with a name and updated_ns");
        }
        String name = o.get("name").asText();
        long updated = o.get("updated_ns").asLong();
        if (o.path("deleted").asBoolean(false)) {
            return new Version(d.id(), name, updated, null);
        }
        try {
            Map<String, String> keep = new LinkedHashMap<>();
            o.path("keep").fields().forEachRemaining(e -> keep.put(e.getKey(), e.getValue().asText()));
            Plan p = new Plan(name, o.path("path").asText(""), o.hasNonNull("schedule") ? o.get("schedule").asText() : null,
                    ZoneId.of(o.path("zone").asText("UTC")), keep, o.path("retain_s").asLong(0), strings(o.path("tags")),
                    strings(o.path("excludes")), o.hasNonNull("host") ? o.get("host").asText() : null,
                    Plan.Overlap.of(o.path("overlap").asText("skip")), o.path("paused").asBoolean(false),
                    o.path("continuous").asBoolean(false), Duration.ofSeconds(o.path("rpo_s").asLong(60)),
                    Duration.ofSeconds(o.path("full_walk_every_s").asLong(86_400)), o.path("gc").asBoolean(false),
                    o.hasNonNull("copy_to") ? o.get("copy_to").asText() : null, o.path("active_since_ns").asLong(updated),
                    updated);
            return new Version(d.id(), name, updated, p.validated());
        } catch (RuntimeException e) {
            throw corrupt(what + " (plan " + name + ") does not hold a valid plan: " + e.getMessage());
        }
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static FatalException corrupt(String message) {
        return new FatalException(ErrorCode.CORRUPT_OBJECT, message);
    }
}
