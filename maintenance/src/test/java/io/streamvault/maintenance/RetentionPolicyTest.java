package io.streamvault.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.maintenance.RetentionPolicy.GroupKey;
import io.streamvault.maintenance.RetentionPolicy.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Parsing and checking of every policy option: good values are read exactly, bad ones named in the error. */
class RetentionPolicyTest {

    @Test
    void countsAreWholeNumbersOrUnlimited() {
        RetentionPolicy p = RetentionPolicy.builder().keepLast("3").keep(Period.HOURLY, "0").keep(Period.DAILY, "-1")
                .keep(Period.WEEKLY, "unlimited").keep(Period.MONTHLY, 12).keep(Period.YEARLY, " 7 ").build();
        assertEquals(3, p.last());
        assertEquals(0, p.count(Period.HOURLY));
        assertEquals(RetentionPolicy.UNLIMITED, p.count(Period.DAILY));
        assertEquals(RetentionPolicy.UNLIMITED, p.count(Period.WEEKLY));
        assertEquals(12, p.count(Period.MONTHLY));
        assertEquals(7, p.count(Period.YEARLY));
    }

    @Test
    void badCountsAreRefusedNamingOptionAndValue() {
        refused(() -> RetentionPolicy.builder().keep(Period.DAILY, "-2"), "keep-daily", "-2");
        refused(() -> RetentionPolicy.builder().keep(Period.WEEKLY, -5), "keep-weekly", "-5");
        refused(() -> RetentionPolicy.builder().keepLast("seven"), "keep-last", "seven");
        refused(() -> RetentionPolicy.builder().keepLast("1.5"), "keep-last", "1.5");
        refused(() -> RetentionPolicy.builder().keep(Period.HOURLY, ""), "keep-hourly", "''");
        refused(() -> RetentionPolicy.builder().keep(Period.YEARLY, "99999999999"), "keep-yearly", "99999999999");
        refused(() -> RetentionPolicy.builder().keep(Period.MONTHLY, "Unlimited"), "keep-monthly", "Unlimited");
    }

    @Test
    void durationsAreReadAsInRestic() {
        assertEquals(new KeepDuration(2, 5, 7, 3), KeepDuration.parse("keep-within", "2y5m7d3h"));
        assertEquals(new KeepDuration(0, 0, 30, 0), KeepDuration.parse("keep-within", "30d"));
        assertEquals(new KeepDuration(0, 0, 0, 12), KeepDuration.parse("keep-within", "12h"));
        assertEquals(new KeepDuration(1, 0, 0, 0), KeepDuration.parse("keep-within", "1y0m"));
        assertEquals("2y5m7d3h", KeepDuration.parse("keep-within", "2y5m7d3h").toString());
        assertEquals("1y", KeepDuration.parse("keep-within", "1y0d").toString());
        RetentionPolicy p = RetentionPolicy.builder().keepWithin("30d").keepWithin(Period.WEEKLY, "1m").build();
        assertEquals(new KeepDuration(0, 0, 30, 0), p.within());
        assertEquals(new KeepDuration(0, 1, 0, 0), p.within(Period.WEEKLY));
        assertNull(p.within(Period.DAILY));
    }

    @Test
    void badDurationsAreRefusedNamingOptionAndValue() {
        for (String bad : List.of("", "1w", "7d1y", "1y1y", "0d", "0y0m0d0h", "30", "d", "-3d", "3 d", "1.5d",
                "99999999d", "2000000y", "7D")) {
            refused(() -> KeepDuration.parse("keep-within-daily", bad), "keep-within-daily", "'" + bad + "'");
            refused(() -> RetentionPolicy.builder().keepWithin(bad), "keep-within", "'" + bad + "'");
        }
        refused(() -> KeepDuration.parse("keep-within", "2w"), "for weeks write 7d");
        refused(() -> new KeepDuration(0, 0, 0, 0), "longer than zero");
        refused(() -> new KeepDuration(0, -1, 0, 5), "-1");
    }

    @Test
    void groupByIsAnySubsetOfHostPathTags() {
        assertEquals(EnumSet.of(GroupKey.HOST, GroupKey.PATH), RetentionPolicy.builder().keepLast(1).build().groupBy());
        assertEquals(EnumSet.of(GroupKey.HOST, GroupKey.TAGS), GroupKey.parseList("host, tags"));
        assertEquals(EnumSet.of(GroupKey.PATH), GroupKey.parseList("path,path"));
        assertEquals(EnumSet.allOf(GroupKey.class), GroupKey.parseList("tags,path,host"));
        assertEquals(Set.of(), GroupKey.parseList(""));
        assertEquals(Set.of(), RetentionPolicy.builder().keepLast(1).groupBy("").build().groupBy());
    }

    @Test
    void unknownGroupByKeysAreRefused() {
        refused(() -> GroupKey.parseList("host,paths"), "group-by", "'paths'");
        refused(() -> GroupKey.parseList("Host"), "group-by", "'Host'");
        refused(() -> GroupKey.parseList("host,"), "group-by", "''");
        refused(() -> RetentionPolicy.builder().groupBy("user"), "group-by", "'user'");
    }

    @Test
    void zonesAreRegionIdsOrOffsets() {
        assertEquals(ZoneId.of("UTC"), RetentionPolicy.builder().keepLast(1).build().zone());
        assertEquals(ZoneId.of("Europe/Berlin"),
                RetentionPolicy.builder().keepLast(1).zone("Europe/Berlin").build().zone());
        assertEquals(ZoneOffset.ofHours(2), RetentionPolicy.builder().keepLast(1).zone("+02:00").build().zone());
        refused(() -> RetentionPolicy.builder().zone("Mars/Olympus_Mons"), "time zone", "'Mars/Olympus_Mons'");
        refused(() -> RetentionPolicy.builder().zone("+25:00"), "time zone", "'+25:00'");
        refused(() -> RetentionPolicy.builder().zone(""), "time zone");
    }

    @Test
    void aPolicyThatKeepsNothingIsRefused() {
        refused(() -> RetentionPolicy.builder().build(), "keeps nothing");
        refused(() -> RetentionPolicy.builder().keepLast(0).keep(Period.DAILY, "0").groupBy("host").build(),
                "keeps nothing");
        refused(() -> RetentionPolicy.builder().keepTag(""), "keep-tag");
    }

    @Test
    void eachRuleAloneMakesAPolicy() {
        RetentionPolicy.builder().keepLast(1).build();
        RetentionPolicy.builder().keepLast(-1).build();
        for (Period p : Period.values()) {
            RetentionPolicy.builder().keep(p, 1).build();
            RetentionPolicy.builder().keepWithin(p, "1h").build();
        }
        RetentionPolicy.builder().keepWithin("1h").build();
        RetentionPolicy tags = RetentionPolicy.builder().keepTag("a").keepTag("b").keepTag("a").build();
        assertEquals(List.of("a", "b"), tags.tags());
    }

    @Test
    void thePolicyDescribesItself() {
        assertEquals("keep 1 last; group by host,path; UTC", RetentionPolicy.builder().keepLast(1).build().toString());
        RetentionPolicy p = RetentionPolicy.builder().keepLast(2).keep(Period.DAILY, 7).keep(Period.YEARLY, -1)
                .keepWithin("30d").keepWithin(Period.MONTHLY, "1y").keepTag("db").groupBy("host").zone("Europe/Berlin")
                .build();
        assertEquals("keep 2 last, 7 daily, all yearly, within 30d, monthly within 1y, tag db; group by host; "
                + "Europe/Berlin", p.toString());
    }

    private static void refused(Executable action, String... fragments) {
        FatalException e = assertThrows(FatalException.class, action);
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }
}
