package dev.gannet.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's README as the tests read it: fenced code blocks, tables, links. */
record Readme(Path root, String text) {

    /** A fenced block: its language tag (after the backticks) and its body. */
    record Block(String language, String body, int line) {
    }

    private static final Pattern PUBLIC_CLASS = Pattern.compile("^public (?:final )?class (\\w+)", Pattern.MULTILINE);

    static Readme load() throws IOException {
        Path root = repositoryRoot();
        return new Readme(root, Files.readString(root.resolve("README.md")));
    }

    /** Surefire runs in the module's directory; the repository is its parent. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("gannet")) && Files.isRegularFile(p.resolve("README.md"))) return p;
        }
        throw new IllegalStateException("no repository root (with gannet and README.md) above " + dir);
    }

    List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String open = lines[i].strip();
            if (!open.startsWith("```")) continue;
            String language = open.substring(3).strip();
            StringBuilder body = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.length && !lines[i].strip().equals("```"); i++) body.append(lines[i]).append('\n');
            blocks.add(new Block(language, body.toString(), start));
        }
        return blocks;
    }

    List<Block> blocks(String language) {
        return blocks().stream().filter(b -> b.language().equals(language)).toList();
    }

    /** The name of a Java block's public top-level class, or null. */
    static String publicClass(Block b) {
        Matcher m = PUBLIC_CLASS.matcher(b.body());
        return m.find() ? m.group(1) : null;
    }

    /**
     * The rows of the first table after the heading that starts with {@code heading}, each as its cells (trimmed,
     * backticks kept). The header row and the separator row are left out.
     */
    List<List<String>> table(String heading) {
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length && !(lines[i].startsWith("#") && lines[i].replaceFirst("^#+\\s*", "").startsWith(heading))) i++;
        if (i == lines.length) throw new AssertionError("README has no heading starting with '" + heading + "'");
        while (i < lines.length && !lines[i].startsWith("|")) i++;
        List<List<String>> rows = new ArrayList<>();
        for (i += 2; i < lines.length && lines[i].startsWith("|"); i++) {
            String row = lines[i].strip();
            List<String> cells = new ArrayList<>();
            for (String c : row.substring(1, row.length() - 1).split("(?<!\\\\)\\|", -1)) cells.add(c.strip());
            rows.add(cells);
        }
        return rows;
    }
}
