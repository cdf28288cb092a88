package io.streamvault.launcher.cli;

import io.streamvault.common.ErrorCode;
import io.streamvault.common.FatalException;
import io.streamvault.launcher.internal.BackupJob;
import io.streamvault.scanner.ChangedDirs;
import io.streamvault.vault.Retentions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The backup command line, declared and read in one place: every option of {@code streamvault
 * backup} once (its names, the label of its value, whether it may be repeated, its help), and the
 * one parser of the line. It uses nothing of picocli, so that the quick start ({@link QuickBackup})
 * reads the line before picocli is loaded; {@link BackupCommand} gives picocli these options for
 * the help and leaves the parsing to this class. A new option is an entry in {@link #OPTIONS} and
 * an accessor.
 *
 * <p>The forms are picocli's: {@code --name VALUE} or {@code --name=VALUE}, {@code -o VALUE},
 * {@code -oVALUE} or {@code -o=VALUE}, short flags together ({@code -hV}), {@code --flag=true|false},
 * and {@code --} before a PATH that starts with a dash. An option given twice that is not
 * repeatable, an unknown option, a missing value and a missing or second PATH are usage errors;
 * with {@code --help} or {@code --version} anywhere, nothing else is checked.
 */
final class BackupArgs {
    /** What an option takes: nothing (a flag), text, a file name, or a setting (KEY=VALUE). */
    enum Kind { FLAG, TEXT, PATH, SETTING }

    /**
     * One option: its names (the last, the long one, names it in messages), what it takes, its
     * value's label (null for a flag), whether it may be given more than once, its help, and whether
     * the help leaves it out (plumbing for other parts of StreamVault, not for people).
     */
    record Option(List<String> names, Kind kind, String label, boolean repeatable, String help, boolean hidden) {
        Option(List<String> names, Kind kind, String label, boolean repeatable, String help) {
            this(names, kind, label, repeatable, help, false);
        }

        String name() {
            return names.get(names.size() - 1);
        }

        /** The option as usage errors name it: {@code '--host' (NAME)}. */
        String described() {
            return "'" + name() + "'" + (label == null ? "" : " (" + label + ")");
        }
    }

    private static final boolean ONCE = false;
    private static final boolean REPEATABLE = true;

    // The options every command has (CommonOptions declares them for the others; a test compares).
    static final Option VAULT = new Option(List.of("--vault"), Kind.TEXT, "URI", ONCE,
            "Vault: file:///abs/path or a path (default: $STREAMVAULT_HOME/vault, ~/.streamvault/vault).");
    static final Option PASSWORD_FILE = new Option(List.of("--password-file"), Kind.PATH, "FILE", ONCE,
            "Read the vault password from the first line of FILE (default: $STREAMVAULT_PASSWORD).");
    static final Option STATE_DIR = new Option(List.of("--state-dir"), Kind.PATH, "DIR", ONCE,
            "Working state: embedded broker, stores (default: $STREAMVAULT_HOME/state).");
    static final Option BOOTSTRAP_SERVERS = new Option(List.of("--bootstrap-servers"), Kind.TEXT, "HOST:PORT", ONCE,
            "Use this Kafka cluster instead of the embedded broker.");
    static final Option CONFIG = new Option(List.of("--config"), Kind.PATH, "FILE", ONCE,
            "Settings file (Java properties; see docs/configuration.md).");
    static final Option SETTING = new Option(List.of("-o", "--option"), Kind.SETTING, "KEY=VALUE", REPEATABLE,
            "One setting (repeatable).");
    // The backup's own.
    static final Option JSON = new Option(List.of("--json"), Kind.FLAG, null, ONCE,
            "Print the summary as one JSON object on the last line.");
    static final Option TAG = new Option(List.of("--tag"), Kind.TEXT, "TAG", REPEATABLE,
            "Tag the snapshot (repeatable).");
    static final Option EXCLUDE = new Option(List.of("--exclude"), Kind.TEXT, "GLOB", REPEATABLE,
            "Leave out what matches and all under it (repeatable): a glob without a slash matches a name at any"
                    + " depth (*.tmp, cache), one with a slash the path from PATH (build/*.o, /var/tmp); ** spans"
                    + " directories.");
    static final Option HOST = new Option(List.of("--host"), Kind.TEXT, "NAME", ONCE,
            "Host name recorded in the snapshot.");
    static final Option PARENT = new Option(List.of("--parent"), Kind.TEXT, "SNAPSHOT", ONCE,
            "Compare with this snapshot (default: the latest snapshot of the same path).");
    static final Option FORCE_READ = new Option(List.of("--force-read"), Kind.FLAG, null, ONCE,
            "Read every file, even those unchanged since the parent snapshot.");
    static final Option RETAIN = new Option(List.of("--retain"), Kind.TEXT, "DURATION", ONCE,
            "Keep the snapshot at least this long after it is sealed (e.g. 90d; within the vault lock's bounds;"
                    + " docs/lock.md).");
    static final Option NO_AGENT = new Option(List.of("--no-agent"), Kind.FLAG, null, ONCE,
            "Run the job from this process even when an agent of the state directory is listening (by default "
                    + "the job is handed to it).");
    static final Option CHANGED_DIR = new Option(List.of("--changed-dir"), Kind.PATH, "DIR", REPEATABLE,
            "Walk only this directory (repeatable) and its ancestors; take the rest from the parent snapshot as"
                    + " unchanged (the plumbing of continuous plans; docs/continuous.md, Narrowed walks).", true);
    // picocli's standard help options.
    static final Option HELP = new Option(List.of("-h", "--help"), Kind.FLAG, null, ONCE,
            "Show this help message and exit.");
    static final Option VERSION = new Option(List.of("-V", "--version"), Kind.FLAG, null, ONCE,
            "Print version information and exit.");

    /** Every option of the backup command. */
    static final List<Option> OPTIONS = List.of(VAULT, PASSWORD_FILE, STATE_DIR, BOOTSTRAP_SERVERS, CONFIG, SETTING,
            JSON, TAG, EXCLUDE, HOST, PARENT, FORCE_READ, RETAIN, NO_AGENT, CHANGED_DIR, HELP, VERSION);

    /** The one positional parameter. */
    static final String PATH_LABEL = "PATH";
    static final String PATH_HELP = "Directory to back up.";

    private static final Map<String, Option> BY_NAME = new HashMap<>();

    static {
        for (Option o : OPTIONS) {
            for (String n : o.names()) {
                BY_NAME.put(n, o);
            }
        }
    }

    /**
     * The values given, by option. Keyed by identity: a record's hashCode and equals are made through
     * method handles at first use, some eighty classes and a few milliseconds of the quick start.
     */
    private final Map<Option, List<String>> given = new IdentityHashMap<>();
    private Path path;

    private BackupArgs() {
    }

    /**
     * Reads the arguments that follow {@code backup}. A malformed line is a FatalException
     * (INVALID_ARGUMENT) whose message names what is wrong, in picocli's words.
     */
    static BackupArgs parse(List<String> args) {
        BackupArgs a = new BackupArgs();
        FatalException first = null;
        int paths = 0;
        boolean options = true;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            try {
                if (options && arg.equals("--")) {
                    options = false;
                } else if (!options || !arg.startsWith("-") || arg.equals("-")) {
                    if (paths++ > 0) {
                        throw usage("Unmatched argument: '" + arg + "' (one " + PATH_LABEL + " only)");
                    }
                    a.path = toPath(arg, null);
                } else {
                    i = a.option(args, i);
                }
            } catch (FatalException e) {
                first = first != null ? first : e;
            }
        }
        if (a.help() || a.version()) {
            return a;
        }
        if (first != null) {
            throw first;
        }
        if (a.path == null) {
            throw usage("Missing required parameter: '" + PATH_LABEL + "'");
        }
        return a;
    }

    /** Reads the option at {@code args[i]} (and its value); returns the index of the last argument read. */
    private int option(List<String> args, int i) {
        String arg = args.get(i);
        if (arg.startsWith("--")) {
            int eq = arg.indexOf('=');
            Option o = BY_NAME.get(eq < 0 ? arg : arg.substring(0, eq));
            if (o == null) {
                throw usage("Unknown option: '" + arg + "'");
            }
            return take(o, eq < 0 ? null : arg.substring(eq + 1), args, i);
        }
        for (int c = 1; c < arg.length(); c++) { // short options: flags together, or one with its value
            Option o = BY_NAME.get("-" + arg.charAt(c));
            if (o == null) {
                throw usage("Unknown option: '" + arg + "'");
            }
            if (o.kind() == Kind.FLAG) {
                set(o, "true");
                continue;
            }
            String rest = arg.substring(c + 1);
            return take(o, rest.isEmpty() ? null : rest.startsWith("=") ? rest.substring(1) : rest, args, i);
        }
        return i;
    }

    /** Takes the value of {@code o}: {@code attached} to its name, or the next argument. */
    private int take(Option o, String attached, List<String> args, int i) {
        if (o.kind() == Kind.FLAG) {
            if (attached != null && !attached.equalsIgnoreCase("true") && !attached.equalsIgnoreCase("false")) {
                throw usage("Invalid value for option " + o.described() + ": '" + attached + "' is not a boolean");
            }
            set(o, attached == null ? "true" : attached.toLowerCase(Locale.ROOT));
            return i;
        }
        String value = attached;
        if (value == null) {
            if (i + 1 >= args.size()) {
                throw usage("Missing required parameter for option " + o.described());
            }
            if (isOption(args.get(i + 1))) {
                throw usage("Expected parameter for option " + o.described() + " but found '" + args.get(i + 1) + "'");
            }
            value = args.get(++i);
        }
        if (o.kind() == Kind.PATH) {
            toPath(value, o);
        } else if (o.kind() == Kind.SETTING && value.indexOf('=') < 0) {
            throw usage("Value for option " + o.described() + " should be in KEY=VALUE format but was " + value);
        }
        set(o, value);
        return i;
    }

    private void set(Option o, String value) {
        List<String> values = given.get(o);
        if (values == null) {
            values = new ArrayList<>();
            given.put(o, values);
        } else if (!o.repeatable()) {
            throw usage("option " + o.described() + " should be specified only once");
        }
        values.add(value);
    }

    /** True for an argument that names an option (so it is not taken as the value of the one before). */
    private static boolean isOption(String arg) {
        if (arg.equals("--")) {
            return true;
        }
        if (arg.startsWith("--")) {
            int eq = arg.indexOf('=');
            return BY_NAME.containsKey(eq < 0 ? arg : arg.substring(0, eq));
        }
        return arg.length() > 1 && arg.startsWith("-") && BY_NAME.containsKey(arg.substring(0, 2));
    }

    /** The value of {@code o} (null: the PATH) as a path. */
    private static Path toPath(String value, Option o) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            String what = o == null ? "'" + PATH_LABEL + "'" : "option " + o.described();
            throw usage("Invalid value for " + what + ": " + e.getMessage());
        }
    }

    private static FatalException usage(String message) {
        return new FatalException(ErrorCode.INVALID_ARGUMENT, message);
    }

    private List<String> values(Option o) {
        return given.getOrDefault(o, List.of());
    }

    private String value(Option o) {
        List<String> v = values(o);
        return v.isEmpty() ? null : v.get(0);
    }

    private boolean flag(Option o) {
        return "true".equals(value(o));
    }

    private Path pathValue(Option o) {
        String v = value(o);
        return v == null ? null : Path.of(v);
    }

    /** The directory to back up, as given (null only with --help or --version). */
    Path path() {
        return path;
    }

    String vault() {
        return value(VAULT);
    }

    Path passwordFile() {
        return pathValue(PASSWORD_FILE);
    }

    Path stateDir() {
        return pathValue(STATE_DIR);
    }

    String bootstrapServers() {
        return value(BOOTSTRAP_SERVERS);
    }

    Path configFile() {
        return pathValue(CONFIG);
    }

    /** The {@code -o KEY=VALUE} settings; a key given again takes the later value. */
    Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : values(SETTING)) {
            int eq = s.indexOf('=');
            out.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return out;
    }

    /** True with settings of its own ({@code -o} or {@code --config}), which only a job run here can apply. */
    boolean hasSettings() {
        return configFile() != null || !values(SETTING).isEmpty();
    }

    boolean json() {
        return flag(JSON);
    }

    List<String> tags() {
        return List.copyOf(values(TAG));
    }

    /** The {@code --exclude} globs; INVALID_ARGUMENT when one is malformed. */
    List<String> excludes() {
        return BackupJob.checkExcludes(values(EXCLUDE));
    }

    String host() {
        return value(HOST);
    }

    String parent() {
        return value(PARENT);
    }

    /** Seconds of {@code --retain}, 0 when not given; INVALID_ARGUMENT when malformed. */
    long retainSeconds() {
        String r = value(RETAIN);
        return r == null ? 0 : Retentions.parse(r, "--retain").getSeconds();
    }

    boolean forceRead() {
        return flag(FORCE_READ);
    }

    /**
     * The {@code --changed-dir} directories relative to {@code source} (the absolute, normalized
     * PATH), sorted: null without any (a full walk), and null too when one is not under
     * {@code source} or there are more than {@link ChangedDirs} takes.
     */
    List<byte[]> changedDirs(Path source) {
        List<String> given = values(CHANGED_DIR);
        if (given.isEmpty()) {
            return null;
        }
        List<Path> dirs = new ArrayList<>(given.size());
        for (String d : given) {
            dirs.add(Path.of(d).toAbsolutePath().normalize());
        }
        return ChangedDirs.relative(source, dirs);
    }

    boolean noAgent() {
        return flag(NO_AGENT);
    }

    boolean help() {
        return flag(HELP);
    }

    boolean version() {
        return flag(VERSION);
    }
}
