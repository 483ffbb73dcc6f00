package dev.gannet.fep.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gannet.fep.wire.FrameTest.*;
import static dev.gannet.fep.wire.MsgType.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/fep-protocol.md against the code: its header and body tables, its message types, its reason codes and its
 * hex examples are read from the document and compared with {@link FrameTest#LAYOUT} and the wire classes, so the
 * two cannot drift apart.
 */
class ProtocolDocTest {

    static String doc() throws IOException {
        for (Path p : List.of(Path.of("../docs/fep-protocol.md"), Path.of("docs/fep-protocol.md"))) {
            if (Files.isRegularFile(p)) return Files.readString(p);
        }
        throw new AssertionError("docs/fep-protocol.md not found from " + Path.of("").toAbsolutePath());
    }

    /** The rows (cells, trimmed) of the first table after {@code from} in {@code text}, header and rule skipped. */
    static List<String[]> table(String text, int from) {
        List<String[]> rows = new ArrayList<>();
        String[] lines = text.substring(from).split("\n");
        int i = 0;
        while (i < lines.length && !lines[i].startsWith("|")) i++;
        for (i += 2; i < lines.length && lines[i].startsWith("|"); i++) {
            String[] cells = lines[i].substring(1, lines[i].lastIndexOf('|')).split("\\|", -1);
            for (int c = 0; c < cells.length; c++) cells[c] = cells[c].strip().replace("`", "");
            rows.add(cells);
        }
        return rows;
    }

    @Test
    void docHeaderTableMatchesHeader() throws IOException {
        String doc = doc();
        List<String[]> rows = table(doc, doc.indexOf("<!-- table:header -->"));
        assertThat(rows).extracting(r -> r[0] + " " + r[1] + " " + r[2] + " " + r[3]).containsExactly(
                Header.OFF_LENGTH + " 4 u32 length", Header.OFF_TYPE + " 2 u16 type",
                Header.OFF_VERSION + " 1 u8 version", Header.OFF_FLAGS + " 1 u8 flags",
                Header.OFF_SESSION + " 8 u64 sessionId", Header.OFF_SEQ + " 8 u64 seq",
                Header.OFF_TIME + " 8 i64 sendingTime");
        assertThat(doc).contains("| " + Header.FLAG_POSS_DUP + " | POSS_DUP |");
        assertThat(doc).contains("MAX_FRAME = " + Header.MAX_FRAME);
        assertThat(doc).contains("version = " + Header.VERSION);
    }

    @Test
    void docBodyTablesMatchMsgType() throws IOException {
        String doc = doc();
        Matcher m = Pattern.compile("(?m)^### (\\w+) — type (\\d+)\\R+Body (\\d+) bytes, frame (\\d+)\\.").matcher(doc);
        Map<Integer, List<Field>> seen = new LinkedHashMap<>();
        while (m.find()) {
            int type = Integer.parseInt(m.group(2));
            assertThat(MsgType.name(type)).isEqualTo(m.group(1));
            assertThat(Integer.parseInt(m.group(3))).as(m.group(1)).isEqualTo(bodyLength(type));
            assertThat(Integer.parseInt(m.group(4))).as(m.group(1)).isEqualTo(frameLength(type));
            List<Field> fields = new ArrayList<>();
            int next = 0;
            for (String[] r : table(doc, m.end())) {
                int offset = Integer.parseInt(r[0]), size = Integer.parseInt(r[1]);
                assertThat(offset).as(m.group(1) + " rows are contiguous at " + r[3]).isEqualTo(next);
                next = offset + size;
                if (r[3].equals("reserved")) {
                    assertThat(r[2]).isEqualTo("—");
                    continue;
                }
                Field field = new Field(r[3], offset, r[2], null);
                assertThat(field.width()).as(m.group(1) + "." + r[3] + " size").isEqualTo(size);
                fields.add(field);
            }
            assertThat(next).as(m.group(1) + " rows cover the body").isEqualTo(bodyLength(type));
            seen.put(type, fields);
        }
        assertThat(seen.keySet()).containsExactlyElementsOf(LAYOUT.keySet());
        for (var e : LAYOUT.entrySet()) {
            assertThat(seen.get(e.getKey())).as(MsgType.name(e.getKey()))
                    .extracting(x -> x.offset() + " " + x.type() + " " + x.name())
                    .containsExactlyElementsOf(e.getValue().stream().map(x -> x.offset() + " " + x.type() + " " + x.name()).toList());
        }
    }

    @Test
    void docReasonTableMatchesRejectReason() throws Exception {
        String doc = doc();
        List<String[]> rows = table(doc, doc.indexOf("<!-- table:reasons -->"));
        List<String> expected = new ArrayList<>();
        for (var field : RejectReason.class.getFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || field.getName().equals("LIMIT")) continue;
            int code = field.getInt(null);
            expected.add(code + " " + field.getName() + " " + RejectReason.name(code));
        }
        assertThat(rows).extracting(r -> r[0] + " " + r[1] + " " + r[2]).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rows).hasSize(RejectReason.LIMIT);
    }

    @Test
    void docMessageTypeTableMatchesMsgType() throws IOException {
        String doc = doc();
        List<String[]> rows = table(doc, doc.indexOf("<!-- table:types -->"));
        assertThat(rows).extracting(r -> r[0] + " " + r[1] + " " + r[2] + " " + r[3]).containsExactlyElementsOf(
                LAYOUT.keySet().stream().map(t -> t + " " + MsgType.name(t) + " " + bodyLength(t) + " " + frameLength(t)).toList());
    }

    /** The document's NewOrder example: the sample NewOrder, second frame of the session, 1 ms after the Logon. */
    static ByteBuffer exampleNewOrder() {
        ByteBuffer b = ByteBuffer.allocate(frameLength(NEW_ORDER));
        sample(new Frame().wrap(b, 0), NEW_ORDER, 0, 2, TIME + 1_000_000);
        return b;
    }

    /** The hex dump format of the document: offset, then 16 bytes a line, separated by spaces. */
    static String hexDump(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (int at = 0; at < bytes.length; at += 16) {
            s.append(String.format("%04x ", at));
            for (int i = at; i < Math.min(at + 16, bytes.length); i++) {
                s.append(i == at + 8 ? "  " : " ").append(hex.toHexDigits(bytes[i]));
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** The bytes of the hex dump that follows {@code marker} in the document. */
    static byte[] docExample(String doc, String marker) {
        int at = doc.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        int start = doc.indexOf("```text\n", at) + "```text\n".length();
        String dump = doc.substring(start, doc.indexOf("```", start));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String line : dump.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            assertThat(Integer.parseInt(parts[0], 16)).as(marker + " offset").isEqualTo(out.size());
            for (int i = 1; i < parts.length; i++) out.write(Integer.parseInt(parts[i], 16));
        }
        return out.toByteArray();
    }

    @Test
    void docExamplesAreTheBytesFrameWrites() throws IOException {
        String doc = doc();
        byte[] logon = bytes(sample(LOGON), 0, frameLength(LOGON));
        byte[] order = bytes(exampleNewOrder(), 0, frameLength(NEW_ORDER));
        assertThat(docExample(doc, "<!-- example:logon -->")).isEqualTo(logon);
        assertThat(docExample(doc, "<!-- example:new-order -->")).isEqualTo(order);
        // And in exactly the printed form.
        assertThat(doc).contains(hexDump(logon)).contains(hexDump(order));
        assertThat(validate(sample(LOGON))).isZero();
        assertThat(validate(exampleNewOrder())).isZero();
    }
}
