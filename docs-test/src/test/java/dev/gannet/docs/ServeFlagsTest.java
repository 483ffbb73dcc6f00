package dev.gannet.docs;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's table of {@code serve} flags against what {@code serve --help} prints: the same flags, each with the
 * same environment variable. A flag added to the command without a README row, or a row for a flag that is gone,
 * fails here.
 */
class ServeFlagsTest {

    private static final Pattern OPTION = Pattern.compile("^\\s+(?:-\\w, )?(--[a-z][\\w-]*)\\b(.*)$");
    private static final Pattern ENV = Pattern.compile("\\(env ([A-Z][A-Z0-9_]*)\\)");
    private static final List<String> STANDARD = List.of("--help", "--version");

    @Test
    void readmeTableListsEveryServeFlagWithItsEnvironmentVariable() throws Exception {
        Map<String, String> help = helpFlags();
        assertThat(help).as("flags in serve --help").containsKey("--port");
        help.forEach((flag, env) -> assertThat(env).as("serve --help names no environment variable for " + flag).isNotEmpty());

        Map<String, String> table = new TreeMap<>();
        for (List<String> row : Readme.load().table("Flags and environment variables")) {
            Matcher flag = Pattern.compile("--[a-z][\\w-]*").matcher(row.get(0));
            Matcher env = Pattern.compile("[A-Z][A-Z0-9_]+").matcher(row.size() > 1 ? row.get(1) : "");
            assertThat(flag.find()).as("README flag row without a flag: " + row).isTrue();
            assertThat(env.find()).as("README flag row without an environment variable: " + row).isTrue();
            table.put(flag.group(), env.group());
        }
        Map<String, String> missing = new TreeMap<>(help), extra = new TreeMap<>(table);
        missing.entrySet().removeAll(table.entrySet());
        extra.entrySet().removeAll(help.entrySet());
        assertThat(missing).as("in serve --help but not in the README's table (flag -> env)").isEmpty();
        assertThat(extra).as("in the README's table but not in serve --help (flag -> env)").isEmpty();
    }

    /** Flag to environment variable, from the real command's help (standard --help/--version left out). */
    private static Map<String, String> helpFlags() throws Exception {
        // A wide usage text keeps every option's description on one line.
        Map<String, String> env = Tools.javaEnv();
        env.keySet().removeIf(k -> k.startsWith("GANNET_") || List.of("PORT", "HOST", "NATS_URL").contains(k));
        Process p = Tools.run(Readme.repositoryRoot(), List.of(Tools.java(), "-Dpicocli.usage.width=400", "-cp",
                System.getProperty("java.class.path"), "dev.gannet.server.Gannet", "serve", "--help"), env);
        String out = Tools.output(p, 1, TimeUnit.MINUTES);
        assertThat(p.exitValue()).as("serve --help:\n" + out).isZero();
        // An option's entry is its line and the indented lines under it (a long name puts the description there).
        Map<String, StringBuilder> entries = new TreeMap<>();
        StringBuilder current = null;
        for (String line : out.lines().toList()) {
            Matcher m = OPTION.matcher(line);
            if (m.find()) entries.put(m.group(1), current = new StringBuilder(m.group(2)));
            else if (current != null && line.startsWith(" ")) current.append(' ').append(line.strip());
            else current = null;
        }
        Map<String, String> flags = new TreeMap<>();
        entries.forEach((flag, text) -> {
            if (STANDARD.contains(flag)) return;
            Matcher e = ENV.matcher(text);
            flags.put(flag, e.find() ? e.group(1) : "");
        });
        return flags;
    }
}
