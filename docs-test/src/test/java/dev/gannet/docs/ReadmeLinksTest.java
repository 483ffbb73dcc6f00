package dev.gannet.docs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every link in the user-facing documents points at a file of the repository: a reader's clone has nothing else
 * (no sibling directories, no paths of the machine the docs were written on).
 */
class ReadmeLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Paths that exist only where the project is developed, in any text (links or not). */
    private static final Pattern OUTSIDE = Pattern.compile("\\.\\./shared|/work/|/root/|/home/\\w+/");

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "CHANGELOG.md", "docs/benchmarks.md", "docs/io_uring.md", "docs/fep-protocol.md"})
    void linksStayInTheRepository(String document) throws Exception {
        Path root = Readme.repositoryRoot();
        Path file = root.resolve(document);
        String text = Files.readString(file);
        List<String> bad = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("#")) continue;
            if (target.contains("://") || target.startsWith("/")) {
                bad.add(target + " (leaves the repository)");
                continue;
            }
            Path resolved = file.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
            if (!resolved.startsWith(root)) bad.add(target + " (outside the repository)");
            else if (!Files.exists(resolved)) bad.add(target + " (no such file)");
        }
        Matcher outside = OUTSIDE.matcher(text);
        while (outside.find()) bad.add("'" + outside.group() + "' (a path outside a clone)");
        assertThat(bad).as(document).isEmpty();
    }
}
