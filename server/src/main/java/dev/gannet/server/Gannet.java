package dev.gannet.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gannet} command. The launcher script handles {@code test} and {@code bench}, which need Maven. */
@Command(name = "gannet", mixinStandardHelpOptions = true, versionProvider = Gannet.Version.class,
        description = "Gannet: a fast network server framework for Java 25.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "The launcher also runs:", "  test                 the whole test suite", "  bench <name> [--quick] benchmarks: tcp, http, ws, fep, alloc, idle, jmh (./gannet bench --help)"})
public final class Gannet implements Runnable {

    public static void main(String[] args) {
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
