package io.streamvault.server.internal;

import static io.streamvault.server.internal.Params.invalid;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.KeepDuration;
import io.streamvault.maintenance.RetentionPolicy;
import io.streamvault.maintenance.RetentionPolicy.Period;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The body of {@code POST /forget}, checked field by field (the ForgetRequest schema of
 * openapi.json): a retention policy, or the ids of the snapshots to forget.
 *
 * @param policy the policy, null when {@code ids} are given
 * @param ids ids or unique prefixes, null when a policy is given
 */
record ForgetRequest(RetentionPolicy policy, List<String> ids, boolean allowRemoveAll, boolean dryRun,
        boolean bypassGovernance) {
    /** The fields that make up a policy, in the order of {@code streamvault forget}'s options. */
    static final List<String> POLICY_FIELDS = policyFields();
    static final Set<String> FIELDS = fields();

    private static List<String> policyFields() {
        List<String> f = new ArrayList<>();
        f.add("keep_last");
        for (Period p : Period.values()) {
            f.add("keep_" + p.label());
        }
        f.add("keep_within");
        for (Period p : Period.values()) {
            f.add("keep_within_" + p.label());
        }
        f.add("keep_tags");
        f.add("group_by");
        f.add("tz");
        return List.copyOf(f);
    }

    private static Set<String> fields() {
        Set<String> f = new HashSet<>(POLICY_FIELDS);
        f.addAll(List.of("snapshots", "allow_remove_all", "dry_run", "bypass_governance"));
        return Set.copyOf(f);
    }

    static ForgetRequest parse(JsonObject req) {
        JsonBody.onlyKnown(req, FIELDS);
        boolean allowRemoveAll = JsonBody.bool(req, "allow_remove_all", false);
        boolean dryRun = JsonBody.bool(req, "dry_run", false);
        boolean bypass = JsonBody.bool(req, "bypass_governance", false);
        List<String> given = POLICY_FIELDS.stream().filter(req::containsKey).toList();
        if (req.containsKey("snapshots")) {
            if (!given.isEmpty()) {
                throw invalid("give either a policy (" + String.join(", ", given) + ") or \"snapshots\", not both");
            }
            return new ForgetRequest(null, ids(req), allowRemoveAll, dryRun, bypass);
        }
        return new ForgetRequest(policy(req), null, allowRemoveAll, dryRun, bypass);
    }

    private static List<String> ids(JsonObject req) {
        List<String> ids = JsonBody.strings(req, "snapshots");
        if (ids.isEmpty()) {
            throw invalid("\"snapshots\" must name at least one snapshot");
        }
        for (String id : ids) {
            Params.named(id, "\"snapshots\"");
        }
        return ids;
    }

    private static RetentionPolicy policy(JsonObject req) {
        RetentionPolicy.Builder b = RetentionPolicy.builder();
        field(req, "keep_last", v -> b.keepLast(count(v, "keep_last")));
        for (Period p : Period.values()) {
            String name = "keep_" + p.label();
            field(req, name, v -> b.keep(p, count(v, name)));
            String within = "keep_within_" + p.label();
            field(req, within, v -> b.keepWithin(p, KeepDuration.parse(within, text(v, within))));
        }
        field(req, "keep_within", v -> b.keepWithin(KeepDuration.parse("keep_within", text(v, "keep_within"))));
        field(req, "keep_tags", v -> JsonBody.strings(req, "keep_tags").forEach(b::keepTag));
        field(req, "group_by", v -> b.groupBy(text(v, "group_by")));
        field(req, "tz", v -> b.zone(text(v, "tz")));
        try {
            return b.build();
        } catch (FatalException e) {
            throw invalid("the policy keeps nothing: give at least one of " + String.join(", ",
                    POLICY_FIELDS.subList(0, POLICY_FIELDS.indexOf("keep_tags") + 1)) + " with a value other than 0,"
                    + " or \"snapshots\" (the ids to forget)");
        }
    }

    /** Applies a present field; an error that does not name the field is prefixed with it. */
    private static void field(JsonObject req, String name, Consumer<Object> set) {
        Object v = req.getValue(name);
        if (v == null) {
            return;
        }
        try {
            set.accept(v);
        } catch (FatalException e) {
            String m = e.getMessage();
            if (e.code() != ErrorCode.INVALID_ARGUMENT || m.startsWith(name) || m.startsWith("\"" + name + "\"")) {
                throw e;
            }
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "\"" + name + "\": " + m, e);
        }
    }

    /** A count: an integer (-1 for no limit) or the text {@code unlimited}. */
    private static int count(Object v, String name) {
        if (v instanceof Integer n) {
            return n;
        }
        if (v instanceof String s && s.strip().equals("unlimited")) {
            return RetentionPolicy.UNLIMITED;
        }
        throw invalid("\"" + name + "\" must be a whole number (-1 for no limit) or \"unlimited\"");
    }

    private static String text(Object v, String name) {
        if (!(v instanceof String s)) {
            throw invalid("\"" + name + "\" must be a string");
        }
        return s;
    }
}
