package dev.gannet.server;

import picocli.CommandLine;

import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every error of the command line becomes one line on stderr that says what is wrong and what to do, with exit code
 * {@value #USAGE} when the command line itself is wrong (it would be wrong on any machine) and {@value #RUNTIME}
 * when the machine refused it (a port in use, a missing file, an unreachable server). The stack trace is printed
 * only with {@code --debug} (or {@code GANNET_DEBUG=true}). This is the one place exceptions are turned into
 * messages: the commands throw, picocli hands what they throw to the handlers here.
 */
final class CliErrors {
    static final int USAGE = 2;
    static final int RUNTIME = 1;

    private CliErrors() {
    }

    /** A failure already put into words by the command, which knows the context (which flag, which file). */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(String message, int exitCode, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }
    }

    /** The command line is wrong: exit code 2. */
    static Failure usage(String message) {
        return new Failure(message, USAGE, null);
    }

    /** The machine refused what the command line asked: exit code 1. */
    static Failure runtime(String message, Throwable cause) {
        return new Failure(message, RUNTIME, cause);
    }

    /** Installs both handlers on {@code cli} (and, through picocli, on its subcommands). */
    static CommandLine install(CommandLine cli) {
        return cli.setParameterExceptionHandler(CliErrors::parseFailed).setExecutionExceptionHandler(CliErrors::callFailed);
    }

    /** A flag picocli could not parse or convert: its message already names the flag and the value. */
    private static int parseFailed(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String help = "./" + cmd.getCommandSpec().qualifiedName(" ") + " --help";
        String what = flagFirst(e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().getFirst().startsWith("-")) {
            // A word where none is expected: at the top a mistyped command, after one a stray argument.
            what = (cmd.getSubcommands().isEmpty() ? "unexpected argument '" : "unknown command '")
                    + u.getUnmatched().getFirst() + "'";
        }
        String from = fromEnvironment(e, args);
        return report(new Failure(what + from + "; see " + help, USAGE, e),
                Arrays.asList(args).contains("--debug") || envDebug(), cmd.getErr());
    }

    private static final Pattern ENV_NAME = Pattern.compile("\\(env ([A-Z_]+)\\)");

    /**
     * " (from the environment variable PORT)" when the bad value was not on the command line but came through the
     * option's default from the variable its description names: otherwise the user looks for a flag they never gave.
     */
    private static String fromEnvironment(CommandLine.ParameterException e, String[] args) {
        if (!(e.getArgSpec() instanceof CommandLine.Model.OptionSpec option)) return "";
        for (String name : option.names()) {
            for (String a : args) if (a.equals(name) || a.startsWith(name + "=")) return "";
        }
        Matcher m = ENV_NAME.matcher(String.join(" ", option.description()));
        return m.find() ? " (from the environment variable " + m.group(1) + ")" : "";
    }

    private static int callFailed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        boolean debug = envDebug() || cmd.getCommand() instanceof ServeCommand s && s.debug;
        return report(explain(e, cmd.getCommand() instanceof ServeCommand s ? s : null), debug, cmd.getErr());
    }

    private static int report(Failure f, boolean debug, java.io.PrintWriter err) {
        err.println("gannet: " + oneLine(f.getMessage()));
        if (debug) {
            Throwable shown = f.getCause() != null ? f.getCause() : f;
            shown.printStackTrace(err);
        }
        err.flush();
        return f.exitCode;
    }

    /**
     * What {@code e}, thrown by {@code serve} (null for another command), means for the user. The operating system's
     * and the libraries' exceptions do not say which flag caused them; the command's options do.
     */
    static Failure explain(Throwable e, ServeCommand serve) {
        if (e instanceof Failure f) return f;
        if (e instanceof CommandLine.ParameterException p) {
            return new Failure(flagFirst(p.getMessage()) + "; see ./gannet serve --help", USAGE, p);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b && serve != null) return bindFailed(b, serve);
            if (t instanceof UnresolvedAddressException && serve != null) {
                return runtime("cannot resolve the host '" + serve.host + "'; give --host an IP address or a name "
                        + "this machine resolves (0.0.0.0 for every interface)", e);
            }
            if (t instanceof NoSuchFileException n) return runtime(n.getFile() + ": no such file or directory", e);
            if (t instanceof AccessDeniedException a) return runtime(a.getFile() + ": permission denied", e);
            if (t instanceof OutOfMemoryError) {
                return runtime("out of memory; give the JVM more heap with JAVA_OPTS=-Xmx...", e);
            }
        }
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return runtime(message + " (run with --debug for details)", e);
    }

    private static Failure bindFailed(BindException b, ServeCommand serve) {
        String why = String.valueOf(b.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (why.contains("in use")) {
            return runtime("port " + serve.port + " is in use; stop what holds it or choose another with --port", b);
        }
        if (why.contains("permission") || why.contains("access")) {
            return runtime("port " + serve.port + " needs privileges on this system (ports below 1024); choose "
                    + "another with --port, e.g. --port 8080", b);
        }
        if (why.contains("assign")) {
            return runtime(serve.host + " is not an address of this machine; give --host one of its addresses, "
                    + "or 0.0.0.0 for every interface", b);
        }
        return runtime("cannot listen on " + serve.host + " port " + serve.port + ": " + b.getMessage(), b);
    }

    static boolean envDebug() {
        return "true".equalsIgnoreCase(System.getenv("GANNET_DEBUG"));
    }

    private static final Pattern INVALID_VALUE =
            Pattern.compile("Invalid value for option '([^']+)': (.*)", Pattern.DOTALL);

    /** "--port: 'abc' is not a port" rather than picocli's "Invalid value for option '--port': 'abc' is not a port". */
    private static String flagFirst(String message) {
        Matcher m = INVALID_VALUE.matcher(String.valueOf(message));
        return m.matches() ? m.group(1) + ": " + m.group(2) : lowerFirst(message);
    }

    /** Picocli's messages start with a capital ("Unknown option: ..."); after "gannet: " they read better without. */
    private static String lowerFirst(String s) {
        if (s == null || s.isEmpty()) return String.valueOf(s);
        return s.length() > 1 && Character.isUpperCase(s.charAt(1)) ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** One line, whatever a library's message holds (some carry a nested exception's lines). */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
