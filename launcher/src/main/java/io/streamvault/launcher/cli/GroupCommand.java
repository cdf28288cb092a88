package io.streamvault.launcher.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Spec;

/** A command of subcommands only ({@code lock}, {@code hold}, {@code key}): alone, it prints its usage (exit 2). */
abstract class GroupCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}
