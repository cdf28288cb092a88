package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.vault.Protection;
import io.streamvault.vault.Vault;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamvault retain SNAPSHOT --until T}: extends a snapshot's retention (never shortens it). */
@Command(name = "retain", mixinStandardHelpOptions = true,
        description = "Keep a snapshot until a later time (a retention is only ever extended).")
public final class RetainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;
    @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, unique prefix, or latest.")
    String snapshot;
    @Option(names = "--until", required = true, paramLabel = "TIME",
            description = "RFC 3339 time (2027-06-30T00:00:00Z) or a date (2027-06-30, midnight UTC).")
    String until;

    @Override
    public Integer call() {
        Instant t = parse(until);
        try (Vault vault = common.openVault(common.config(), false)) {
            Protection p = vault.locks().retain(vault.resolveSnapshot(snapshot), t);
            System.out.println("snapshot " + p.snapshot() + " is kept until " + p.retainUntil() + " (" + p.mode().id() + ")");
            System.out.println(LockCommand.sync(vault));
        }
        return 0;
    }

    static Instant parse(String text) {
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new FatalException(ErrorCode.INVALID_ARGUMENT, "--until \"" + text + "\" is neither an RFC 3339 time"
                    + " (2027-06-30T00:00:00Z) nor a date (2027-06-30)");
        }
    }
}
