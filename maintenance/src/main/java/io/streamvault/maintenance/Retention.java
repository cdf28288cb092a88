package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.internal.RetentionRules;
import io.streamvault.vault.SnapshotRef;
import java.time.Instant;
import java.util.List;

/**
 * The retention policy of {@code streamvault forget}: which snapshots to keep and which to remove. A
 * pure function of the snapshots, the {@link RetentionPolicy} and the current time: it reads and
 * deletes nothing.
 *
 * <h2>Semantics</h2>
 *
 * <p><b>Time.</b> Every rule looks at the time a snapshot was sealed ({@code Snapshot.endTimeNs}), not
 * the time its backup started. Hours, days, weeks, months and years are cut in the policy's time zone
 * (default UTC):
 * <ul>
 *   <li>an <i>hour</i> is a local date and hour at one UTC offset, so the hour that a change from
 *       summer to winter time repeats (e.g. 02:00–03:00 on the last Sunday of October in
 *       Europe/Berlin) is two hours, and the skipped hour of the change to summer time is none;
 *   <li>a <i>day</i> is a local calendar day, however long (23, 24 or 25 hours);
 *   <li>a <i>week</i> is an ISO week, Monday 00:00 to Sunday 24:00 local time, so a week may span two
 *       years (ISO week 1 of 2025 starts on Monday 30 December 2024; 2020 has a week 53);
 *   <li>a <i>month</i> and a <i>year</i> are local calendar months and years.
 * </ul>
 *
 * <p><b>Groups.</b> Snapshots are first grouped by the policy's group-by keys (default host and path;
 * any subset of host, path and tags; none for a single group), and the rules apply to each group
 * alone. Grouping by tags compares the sets of tags (order and repeats do not matter). A snapshot
 * without a host groups with the empty host. Within a group, snapshots are ordered newest sealed
 * first, equal times by id.
 *
 * <p><b>Rules.</b> A snapshot is kept when at least one rule keeps it, and the plan lists every rule
 * that does, in this order, with these reason texts:
 * <ol>
 *   <li>{@code keep-last N} ({@code last}): the N newest complete snapshots; when the group has fewer
 *       than N complete ones, the newest incomplete ones fill up the remaining places.
 *   <li>{@code keep-hourly}, {@code -daily}, {@code -weekly}, {@code -monthly}, {@code -yearly N}
 *       ({@code hourly}, {@code daily}, ...): the group's snapshots fall into calendar buckets; of
 *       the N newest buckets that hold at least one snapshot (complete or not), each keeps its newest
 *       complete snapshot, or its newest incomplete one when it holds no complete one. Buckets without
 *       snapshots do not count, so the result does not depend on when forget runs.
 *   <li>{@code keep-within D} ({@code within D}): every snapshot, complete or not, sealed after the
 *       <i>anchor</i> minus D (see below).
 *   <li>{@code keep-within-hourly}, {@code -daily}, {@code -weekly}, {@code -monthly}, {@code -yearly D}
 *       ({@code hourly within D}, ...): the snapshots sealed after the anchor minus D fall into
 *       buckets; every such bucket keeps its newest complete snapshot among them, or the newest
 *       incomplete one when none of them is complete.
 *   <li>{@code keep-tag T}, repeatable ({@code tag T}): every snapshot, complete or not, that has the
 *       tag T.
 *   <li>The floor, which no policy overrides ({@code newest complete}): the newest complete snapshot of
 *       every group is always kept. A group of incomplete snapshots only has no floor; when no rule
 *       keeps any of them, the plan marks the group {@link RetentionPlan.Group#removesAll()}.
 * </ol>
 * A count N of {@link RetentionPolicy#UNLIMITED} (-1, or {@code unlimited}) means every bucket (for
 * {@code keep-last}, every snapshot); 0 means the rule is not given. A policy without any rule is
 * refused.
 *
 * <p><b>Incomplete snapshots</b> are removed before complete ones: {@code keep-last} and the bucket
 * rules prefer a complete snapshot as above; {@code keep-within} and {@code keep-tag} keep whatever
 * falls in them.
 *
 * <p><b>The anchor</b> of the within rules is the sealed time of the group's newest snapshot (complete
 * or not) that is not later than {@code now}, as in restic: the windows are measured back from the
 * newest snapshot, not from the time forget runs, so a host that stopped backing up keeps its last
 * window. A snapshot sealed after {@code now} (a clock ahead) does not move the anchor but lies in every
 * window. When every snapshot of the group is sealed after {@code now}, all of them are within. A
 * duration D is subtracted from the anchor in the policy's zone: its years, months and days on the
 * local calendar (31 March minus 1m is the last day of February), then its hours on the time-line (see
 * {@link KeepDuration#before}); the window is open at its start (a snapshot sealed exactly D before the
 * anchor is outside).
 *
 * <h2>Differences from restic's forget</h2>
 * <ul>
 *   <li>restic does not mark or treat incomplete snapshots apart, so it has neither the preference for
 *       complete snapshots nor the {@code newest complete} floor; restic instead refuses to run when a {@code keep-tag} policy
 *       would empty a group, where this plan only reports it ({@code removesAll}).
 *   <li>restic keeps the group's oldest snapshot in addition (reason {@code oldest ...}) when a count
 *       is larger than the number of buckets; this policy does not: a count is an upper bound only.
 *   <li>{@code keep-tag} takes one tag, not a comma-separated list of tags that must all be present,
 *       and the empty tag (restic: untagged snapshots) is refused.
 *   <li>restic cuts periods by the wall-clock time recorded with each snapshot, so the hour that a
 *       change to winter time repeats is one bucket; here one zone is used for all snapshots and that
 *       hour is two buckets.
 *   <li>restic subtracts months with Go's {@code AddDate}, which normalises (31 March minus 1m is
 *       3 March, or 2 March in a leap year); here the day is clamped to the end of the shorter month.
 *   <li>Durations are strict: the units y, m, d, h in this order, each at most once, no negative
 *       numbers, not all zero (restic accepts any order and treats a zero duration as not given).
 *   <li>The group-by key for the backed-up path is {@code path} (restic: {@code paths}, as a restic
 *       snapshot may have several).
 *   <li>Reason texts are shorter ({@code daily} for restic's {@code daily snapshot}, {@code last} for
 *       {@code last snapshot}, {@code tag T} for {@code has tags [T]}).
 * </ul>
 */
public final class Retention {
    private Retention() {
    }

    /**
     * Decides, for every snapshot, keep or remove.
     *
     * @param snapshots every snapshot the policy applies to (each id at most once)
     * @param now the current time; only the anchor of the within rules depends on it
     * @throws FatalException {@link ErrorCode#INVALID_ARGUMENT} for a snapshot listed twice
     */
    public static RetentionPlan plan(List<SnapshotRef> snapshots, RetentionPolicy policy, Instant now) {
        return RetentionRules.plan(snapshots, policy, now);
    }
}
