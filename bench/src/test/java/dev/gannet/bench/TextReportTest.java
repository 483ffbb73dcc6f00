package dev.gannet.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code ./gannet bench} prints on the terminal from a report's Markdown. */
class TextReportTest {

    @Test
    void aTableBecomesAlignedColumns() {
        String md = """
                | contender | msgs/s | p50 µs |
                |---|---:|---:|
                | gannet-nio | 1,234,567 | 12 |
                | netty-epoll ⚠ | 98,765 | 1,003 |
                | gannet-vthread | failed | — |
                """;
        assertThat(TextReport.render(md, "results-tcp.md")).isEqualTo("""
                contender       msgs/s     p50 µs
                --------------  ---------  ------
                gannet-nio      1,234,567      12
                netty-epoll ⚠      98,765   1,003
                gannet-vthread     failed       —
                """);
    }

    @Test
    void detailsBecomeAPointerToTheFileAndNoHtmlIsLeft() {
        String md = """
                ## TCP echo (`gannet bench tcp --quick`)

                Text with **bold** and `code`.

                <details><summary>Every run</summary>

                | contender | size | round |
                |---|---:|---:|
                | gannet-nio | 64 B | 1 |

                </details>

                ### Failures

                - gannet-nio 64 B round 1:

                ```
                java.io.IOException: refused
                ```
                """;
        String text = TextReport.render(md, "bench/target/results-tcp.md");
        assertThat(text).isEqualTo("""
                TCP echo (gannet bench tcp --quick)
                ===================================

                Text with bold and code.

                Every run: in bench/target/results-tcp.md

                Failures
                --------

                - gannet-nio 64 B round 1:

                    java.io.IOException: refused
                """);
        assertThat(text).doesNotContain("<").doesNotContain("|").doesNotContain("**").doesNotContain("`");
    }

    @Test
    void paragraphsAndListItemsWrapAtTheWidth() {
        String word = "abcdefghi"; // 9 letters: ten words and their spaces make a 99-column line
        String para = String.join(" ", java.util.Collections.nCopies(25, word));
        String text = TextReport.render(para + "\n\n- " + para + "\n  continued\n", "f.md");
        List<String> lines = text.lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(TextReport.WIDTH));
        assertThat(lines.get(0)).hasSize(99);
        assertThat(lines.get(3)).isEmpty();
        assertThat(lines.get(4)).startsWith("- " + word);
        assertThat(lines.get(5)).startsWith("  " + word);
        assertThat(text).contains(" continued\n");
        assertThat(String.join(" ", lines).replace("- ", "").replaceAll(" +", " ").strip())
                .as("no word lost").isEqualTo(para + " " + para + " continued");
    }

    /** The tcp bench's own report, rendered: each contender's row is there, aligned, and no Markdown is left. */
    @Test
    void theTcpReportRendersAsAlignedText() {
        var s = new TcpEchoBench.Settings();
        s.quick = true;
        s.applyDefaults();
        List<TcpEchoBench.Run> runs = new java.util.ArrayList<>();
        for (var c : s.contenders) {
            for (int size : s.sizes) {
                runs.add(c.name().equals("netty-nio") ? TcpEchoBench.Run.failed(c.name(), size, 1, "refused")
                        : new TcpEchoBench.Run(c.name(), size, 1, 1_000_000L * (c.name().length()), 4, 20, 90, 300,
                        2_000, 1.5, 1.0, 0.01, 0.02, null));
            }
        }
        String md = EchoReport.markdown(runs, s);
        String text = TextReport.render(md, "bench/target/results-tcp.md");

        assertThat(text).doesNotContain("<details").doesNotContain("</").doesNotContain("|").doesNotContain("**")
                .doesNotContain("`").contains("Every run: in bench/target/results-tcp.md")
                .contains("Gannet nio vs Netty epoll: msgs/s ratio");
        List<String> lines = text.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("contender")).findFirst().orElseThrow());
        assertThat(lines.get(header + 1)).matches("-+(  -+)+");
        List<String> rows = lines.subList(header + 2, header + 2 + s.contenders.size());
        assertThat(rows).extracting(l -> l.split(" +")[0])
                .containsExactlyElementsOf(s.contenders.stream().map(TcpEchoBench.Contender::name).toList());
        // Right-aligned numbers: every row ends in the same column.
        assertThat(rows).extracting(String::length).containsOnly(rows.getFirst().length());
        assertThat(rows.get(5)).startsWith("netty-nio").contains("failed");
    }
}
