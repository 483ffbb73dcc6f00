package dev.gannet.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gannet} command. The launcher script handles {@code test} and {@code bench}, which need Maven. */
@Command(name = "gannet", mixinStandardHelpOptions = true, versionProvider = Gannet.Version.class,
        description = "Gannet: a fast network server framework for Java 25.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "The launcher also runs:", "  test                 the whole test suite", "  bench <name> [--quick] benchmarks: tcp, http, ws, fep, alloc, idle, jmh (./gannet bench --help)"})
public final class Gannet implements Runnable {

    /** Held: java.util.logging keeps only weak references to loggers, and a collected one forgets its level. */
    private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("dev.gannet.engine.Engines");

    public static void main(String[] args) {
        // One line per log record, as the rest of the command's output, unless the user chose a format.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        // serve's startup line says which engine auto chose and why; the library's own line would say it twice, and
        // ahead of a one-line error. A named engine that cannot run still warns.
        if (!java.util.Arrays.asList(args).contains("--debug") && !CliErrors.envDebug()) {
            ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
        }
        System.exit(CliErrors.install(new CommandLine(new Gannet())).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The version from the jar manifest, or the development version when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Gannet.class.getPackage().getImplementationVersion();
            return new String[] {"gannet " + (v != null ? v : "0.1.0-SNAPSHOT") + " (Java " + Runtime.version() + ")"};
        }
    }
}
