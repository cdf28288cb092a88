package io.streamvault.maintenance;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which snapshots {@code forget} keeps: the rules of {@link Retention}, how snapshots are grouped,
 * and the time zone in which calendar periods are cut. Immutable; made with {@link #builder()}, whose
 * setters take either values or the text of a command-line option (parsed and checked, errors naming
 * the option and the value). See {@link Retention} for what each rule means.
 */
public final class RetentionPolicy {

    /** A count that keeps every bucket (or, for {@code keep-last}, every snapshot). */
    public static final int UNLIMITED = -1;

    /** A calendar period of the bucket rules, and the reason text of its rules. */
    public enum Period {
        HOURLY("hourly"), DAILY("daily"), WEEKLY("weekly"), MONTHLY("monthly"), YEARLY("yearly");

        private final String label;

        Period(String label) {
            this.label = label;
        }

        /** {@code hourly}, {@code daily}, ...: the reason text, and the option's suffix. */
        public String label() {
            return label;
        }
    }

    /** What snapshots are grouped by; the policy is applied to each group alone. */
    public enum GroupKey {
        HOST, PATH, TAGS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses a comma-separated list such as {@code host,path}; the empty text means no grouping
         * (one group of all snapshots). Blanks around names are ignored, a name may repeat.
         */
        public static Set<GroupKey> parseList(String text) {
            if (text == null) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "group-by: no value");
            }
            Set<GroupKey> keys = EnumSet.noneOf(GroupKey.class);
            if (text.isBlank()) {
                return keys;
            }
            for (String part : text.split(",", -1)) {
                String name = part.strip();
                GroupKey key = null;
                for (GroupKey k : values()) {
                    if (k.label().equals(name)) {
                        key = k;
                    }
                }
                if (key == null) {
                    throw new FatalException(ErrorCode.INVALID_ARGUMENT, "group-by: unknown key '" + name + "' in '"
                            + text + "' (known: host, path, tags; the empty value means no grouping)");
                }
                keys.add(key);
            }
            return keys;
        }
    }

    private final int last;
    private final Map<Period, Integer> counts;
    private final KeepDuration within;
    private final Map<Period, KeepDuration> withins;
    private final List<String> tags;
    private final Set<GroupKey> groupBy;
    private final ZoneId zone;

    private RetentionPolicy(Builder b) {
        this.last = b.last;
        this.counts = Collections.unmodifiableMap(new EnumMap<>(b.counts));
        this.within = b.within;
        this.withins = Collections.unmodifiableMap(new EnumMap<>(b.withins));
        this.tags = List.copyOf(b.tags);
        this.groupBy = Collections.unmodifiableSet(EnumSet.copyOf(b.groupBy));
        this.zone = b.zone;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code keep-last}: 0 when not given, {@link #UNLIMITED} for all. */
    public int last() {
        return last;
    }

    /** {@code keep-hourly} ... {@code keep-yearly}: 0 when not given, {@link #UNLIMITED} for all. */
    public int count(Period period) {
        return counts.getOrDefault(period, 0);
    }

    /** {@code keep-within}, or null when not given. */
    public KeepDuration within() {
        return within;
    }

    /** {@code keep-within-hourly} ... {@code keep-within-yearly}, or null when not given. */
    public KeepDuration within(Period period) {
        return withins.get(period);
    }

    /** {@code keep-tag}s, in the order given, without repeats. */
    public List<String> tags() {
        return tags;
    }

    public Set<GroupKey> groupBy() {
        return groupBy;
    }

    public ZoneId zone() {
        return zone;
    }

    /** One line, e.g. {@code keep 7 daily, 4 weekly, within 30d; group by host,path; UTC}. */
    @Override
    public String toString() {
        List<String> rules = new ArrayList<>();
        if (last != 0) {
            rules.add(countText(last) + " last");
        }
        for (Period p : Period.values()) {
            if (count(p) != 0) {
                rules.add(countText(count(p)) + " " + p.label());
            }
        }
        if (within != null) {
            rules.add("within " + within);
        }
        for (Period p : Period.values()) {
            if (within(p) != null) {
                rules.add(p.label() + " within " + within(p));
            }
        }
        for (String tag : tags) {
            rules.add("tag " + tag);
        }
        List<String> keys = new ArrayList<>();
        groupBy.forEach(k -> keys.add(k.label()));
        return "keep " + String.join(", ", rules) + "; group by "
                + (keys.isEmpty() ? "nothing" : String.join(",", keys)) + "; " + zone.getId();
    }

    private static String countText(int n) {
        return n == UNLIMITED ? "all" : Integer.toString(n);
    }

    /** Collects and checks the options; {@link #build()} refuses a policy without any rule. */
    public static final class Builder {
        private int last;
        private final Map<Period, Integer> counts = new EnumMap<>(Period.class);
        private KeepDuration within;
        private final Map<Period, KeepDuration> withins = new EnumMap<>(Period.class);
        private final Set<String> tags = new LinkedHashSet<>();
        private Set<GroupKey> groupBy = EnumSet.of(GroupKey.HOST, GroupKey.PATH);
        private ZoneId zone = ZoneId.of("UTC");

        private Builder() {
        }

        /** {@code keep-last N}: N ≥ 0, or {@link #UNLIMITED}; 0 means not given. */
        public Builder keepLast(int n) {
            this.last = checkCount("keep-last", n);
            return this;
        }

        /** {@code keep-last} from its option text: a whole number ≥ 0, {@code -1} or {@code unlimited}. */
        public Builder keepLast(String text) {
            return keepLast(parseCount("keep-last", text));
        }

        /** {@code keep-hourly N} ... {@code keep-yearly N}: N ≥ 0, or {@link #UNLIMITED}; 0 means not given. */
        public Builder keep(Period period, int n) {
            counts.put(period, checkCount("keep-" + period.label(), n));
            return this;
        }

        /** {@code keep-hourly} ... {@code keep-yearly} from the option text. */
        public Builder keep(Period period, String text) {
            return keep(period, parseCount("keep-" + period.label(), text));
        }

        /** {@code keep-within DURATION}; null means not given. */
        public Builder keepWithin(KeepDuration duration) {
            this.within = duration;
            return this;
        }

        public Builder keepWithin(String text) {
            return keepWithin(KeepDuration.parse("keep-within", text));
        }

        /** {@code keep-within-hourly DURATION} ... {@code keep-within-yearly}; null means not given. */
        public Builder keepWithin(Period period, KeepDuration duration) {
            if (duration == null) {
                withins.remove(period);
            } else {
                withins.put(period, duration);
            }
            return this;
        }

        public Builder keepWithin(Period period, String text) {
            return keepWithin(period, KeepDuration.parse("keep-within-" + period.label(), text));
        }

        /** {@code keep-tag TAG} (repeatable): keeps every snapshot that has the tag. */
        public Builder keepTag(String tag) {
            if (tag == null || tag.isEmpty()) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "keep-tag: the tag must not be empty");
            }
            tags.add(tag);
            return this;
        }

        /** {@code group-by}: any subset of host, path, tags; empty for one group of all snapshots. */
        public Builder groupBy(Set<GroupKey> keys) {
            if (keys == null) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "group-by: no value");
            }
            this.groupBy = keys.isEmpty() ? EnumSet.noneOf(GroupKey.class) : EnumSet.copyOf(keys);
            return this;
        }

        /** {@code group-by} from its option text, e.g. {@code host,path}; see {@link GroupKey#parseList}. */
        public Builder groupBy(String text) {
            return groupBy(GroupKey.parseList(text));
        }

        /** The zone in which hours, days, weeks, months and years are cut (default UTC). */
        public Builder zone(ZoneId zone) {
            if (zone == null) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "time zone: no value");
            }
            this.zone = zone;
            return this;
        }

        /** The zone from its id: a region such as {@code Europe/Berlin}, {@code UTC}, or an offset ({@code +02:00}). */
        public Builder zone(String id) {
            if (id == null || id.isBlank()) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "time zone: no value");
            }
            try {
                return zone(ZoneId.of(id));
            } catch (DateTimeException e) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "time zone: unknown or malformed zone id '" + id
                        + "' (e.g. UTC, Europe/Berlin, +02:00)", e);
            }
        }

        /** The policy; refuses one that keeps nothing, since it would remove every snapshot but the floor. */
        public RetentionPolicy build() {
            boolean any = last != 0 || within != null || !withins.isEmpty() || !tags.isEmpty()
                    || counts.values().stream().anyMatch(n -> n != 0);
            if (!any) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, "the policy keeps nothing: give at least one of "
                        + "keep-last, keep-hourly, keep-daily, keep-weekly, keep-monthly, keep-yearly, keep-within, "
                        + "keep-within-hourly/-daily/-weekly/-monthly/-yearly or keep-tag with a value other than 0");
            }
            return new RetentionPolicy(this);
        }

        private static int checkCount(String option, int n) {
            if (n < UNLIMITED) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, option + ": bad count " + n
                        + " (a whole number >= 0, or -1 or 'unlimited' for no limit)");
            }
            return n;
        }

        private static int parseCount(String option, String text) {
            if (text != null && text.strip().equals("unlimited")) {
                return UNLIMITED;
            }
            try {
                return checkCount(option, Integer.parseInt(text == null ? "" : text.strip()));
            } catch (NumberFormatException e) {
                throw new FatalException(ErrorCode.INVALID_ARGUMENT, option + ": bad count '" + text
                        + "' (a whole number >= 0, or -1 or 'unlimited' for no limit)");
            }
        }
    }
}
