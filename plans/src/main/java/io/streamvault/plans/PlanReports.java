package io.streamvault.plans;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON forms of plans and runs, the same for {@code plan ... --json} and the HTTP API (docs/plans.md). */
public final class PlanReports {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanReports() {
    }

    public static ObjectNode plan(Plan p, PlanStatus s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", p.name());
        o.put("kind", p.gc() ? "gc" : "backup");
        if (!p.gc()) {
            o.put("path", p.path());
        }
        o.put("schedule", p.schedule());
        o.put("tz", p.zone().getId());
        ObjectNode keep = o.putObject("keep");
        p.keepInOrder().forEach(keep::put);
        o.put("retain_s", p.retainSeconds());
        p.tags().forEach(o.putArray("tags")::add);
        p.excludes().forEach(o.putArray("excludes")::add);
        o.put("host", p.host());
        o.put("overlap", p.overlap().name().toLowerCase(Locale.ROOT));
        o.put("paused", p.paused());
        o.put("continuous", p.continuous());
        if (p.continuous()) {
            o.put("rpo_s", p.rpo().toSeconds());
            o.put("full_walk_every_s", p.fullWalkEvery().toSeconds());
        }
        o.put("copy_to", p.copyTo());
        o.put("updated", Instant.ofEpochSecond(0, p.updatedNs()).toString());
        if (s != null) {
            o.put("next", s.next() == null ? null : s.next().toString());
            o.put("period_s", s.period() == null ? null : s.period().toSeconds());
            o.put("overdue", s.overdue());
            o.set("last_run", s.last() == null ? null : run(s.last()));
            o.set("last_success", s.lastSuccess() == null ? null : run(s.lastSuccess()));
        }
        return o;
    }

    public static ObjectNode run(PlanRun r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("plan", r.plan());
        o.put("slot", Instant.ofEpochMilli(r.slotMs()).toString());
        o.put("attempt", r.attempt());
        o.put("state", r.state().label());
        o.put("trigger", r.trigger());
        o.put("start", r.startMs() == 0 ? null : Instant.ofEpochMilli(r.startMs()).toString());
        o.put("end", r.endMs() == 0 ? null : Instant.ofEpochMilli(r.endMs()).toString());
        o.put("job", r.job());
        o.put("snapshot", r.snapshot());
        o.put("agent", r.agent());
        o.put("files", r.files());
        o.put("bytes_read", r.bytesRead());
        o.put("bytes_added", r.bytesAdded());
        o.put("missed", r.missed());
        o.put("error", r.error());
        o.put("note", r.note());
        return o;
    }

    public static ArrayNode runs(List<PlanRun> runs) {
        ArrayNode a = JSON.createArrayNode();
        runs.forEach(r -> a.add(run(r)));
        return a;
    }

    public static ArrayNode plans(List<ObjectNode> plans) {
        ArrayNode a = JSON.createArrayNode();
        plans.forEach(a::add);
        return a;
    }
}
