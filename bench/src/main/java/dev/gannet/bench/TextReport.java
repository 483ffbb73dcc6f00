package dev.gannet.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a bench report's Markdown for a terminal: tables as aligned columns, headings underlined, paragraphs and
 * list items wrapped, inline marks ({@code **}, backticks) dropped. A {@code <details>} block (every run, a wide
 * table) becomes one line pointing at the Markdown file, which holds it whole. Only the subset of Markdown the
 * reports write is understood; anything else passes through as text.
 */
public final class TextReport {
    /** Paragraphs wrap here; tables do not (a table row is read across, and a wrapped row is unreadable). */
    static final int WIDTH = 100;
    private static final String GAP = "  ";

    private TextReport() {
    }

    /**
     * @param markdown the report
     * @param fileName where the Markdown goes, named in place of each {@code <details>} block
     */
    public static String render(String markdown, String fileName) {
        StringBuilder out = new StringBuilder();
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); ) {
            String line = lines.get(i);
            if (line.startsWith("<details>")) {
                String summary = line.replaceAll(".*<summary>(.*)</summary>.*", "$1");
                while (i < lines.size() && !lines.get(i).startsWith("</details>")) i++;
                i++;
                blankLine(out);
                out.append(inline(summary)).append(": in ").append(fileName).append('\n');
            } else if (line.startsWith("```")) {
                for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                    out.append("    ").append(lines.get(i)).append('\n');
                }
                i++;
            } else if (line.startsWith("#")) {
                String title = inline(line.replaceFirst("^#+\\s*", ""));
                out.append(title).append('\n').append((line.startsWith("###") ? "-" : "=").repeat(title.length()))
                        .append('\n');
                i++;
            } else if (line.startsWith("|")) {
                List<String> rows = new ArrayList<>();
                for (; i < lines.size() && lines.get(i).startsWith("|"); i++) rows.add(lines.get(i));
                table(rows, out);
            } else if (line.isBlank()) {
                blankLine(out);
                i++;
            } else {
                // A paragraph or one list item: its lines up to a blank line, a new item or another block.
                boolean item = line.startsWith("- ");
                StringBuilder text = new StringBuilder(line.strip());
                for (i++; i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).startsWith("- ")
                        && !startsBlock(lines.get(i)); i++) {
                    text.append(' ').append(lines.get(i).strip());
                }
                wrap(inline(text.toString()), item ? "  " : "", out);
            }
        }
        return out.toString();
    }

    private static boolean startsBlock(String line) {
        return line.startsWith("#") || line.startsWith("|") || line.startsWith("```") || line.startsWith("<details>");
    }

    private static void blankLine(StringBuilder out) {
        if (!out.isEmpty() && !out.toString().endsWith("\n\n")) out.append('\n');
    }

    /** The marks a terminal would show literally. */
    static String inline(String s) {
        return s.replace("**", "").replace("`", "");
    }

    /** Word-wraps {@code text} at {@link #WIDTH}; lines after the first start with {@code indent}. */
    private static void wrap(String text, String indent, StringBuilder out) {
        int column = 0;
        boolean lineEmpty = true;
        for (String word : text.split(" +")) {
            if (!lineEmpty && column + 1 + width(word) > WIDTH) {
                out.append('\n').append(indent);
                column = indent.length();
                lineEmpty = true;
            }
            if (!lineEmpty) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += width(word);
            lineEmpty = false;
        }
        out.append('\n');
    }

    /** A Markdown pipe table as columns: text left-aligned, {@code ---:} columns right-aligned. */
    static void table(List<String> rows, StringBuilder out) {
        List<List<String>> cells = new ArrayList<>();
        boolean[] right = null;
        for (String row : rows) {
            List<String> c = cells(row);
            if (c.stream().allMatch(x -> x.matches(":?-+:?"))) {
                right = new boolean[c.size()];
                for (int k = 0; k < c.size(); k++) right[k] = c.get(k).endsWith(":") && !c.get(k).startsWith(":");
            } else {
                cells.add(c);
            }
        }
        int columns = cells.stream().mapToInt(List::size).max().orElse(0);
        int[] w = new int[columns];
        for (List<String> c : cells) for (int k = 0; k < c.size(); k++) w[k] = Math.max(w[k], width(c.get(k)));
        for (int r = 0; r < cells.size(); r++) {
            List<String> c = cells.get(r);
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < columns; k++) {
                String v = k < c.size() ? c.get(k) : "";
                String pad = " ".repeat(w[k] - width(v));
                boolean alignRight = r > 0 && right != null && k < right.length && right[k];
                if (k > 0) line.append(GAP);
                line.append(alignRight ? pad + v : v + pad);
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0 && cells.size() > 1) {
                StringBuilder rule = new StringBuilder();
                for (int k = 0; k < columns; k++) rule.append(k > 0 ? GAP : "").append("-".repeat(w[k]));
                out.append(rule).append('\n');
            }
        }
    }

    private static List<String> cells(String row) {
        String r = row.strip();
        if (r.startsWith("|")) r = r.substring(1);
        if (r.endsWith("|")) r = r.substring(0, r.length() - 1);
        List<String> c = new ArrayList<>();
        for (String cell : r.split("\\|", -1)) c.add(inline(cell.strip()));
        return c;
    }

    /** Columns on a terminal: one per code point (µ, —, × and ⚠ each take one). */
    static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
