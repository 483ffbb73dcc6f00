package dev.gannet.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NativeSocketOptionsTest {

    private static final SocketOptions BOTH = SocketOptions.builder().fastOpenQueue(16).deferAcceptSeconds(5).build();

    private static ServerSocketChannel listen() throws Exception {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        return ch;
    }

    private static void assumeAvailable() {
        // Until the build passes the flags everywhere, a run without them skips rather than fails.
        assumeTrue(NativeSocketOptions.isAvailable(), () -> "native socket options unavailable: "
                + NativeSocketOptions.unavailableReason());
    }

    @Test
    void setsFastOpenAndDeferAccept() throws Exception {
        assumeAvailable();
        try (ServerSocketChannel ch = listen()) {
            assertThat(NativeSocketOptions.getIntOption(ch, NativeSocketOptions.IPPROTO_TCP, NativeSocketOptions.TCP_FASTOPEN)).isZero();

            assertThat(NativeSocketOptions.apply(ch, BOTH)).isTrue();

            assertThat(NativeSocketOptions.getIntOption(ch, NativeSocketOptions.IPPROTO_TCP, NativeSocketOptions.TCP_FASTOPEN))
                    .isEqualTo(16);
            // The kernel stores a SYN-ACK retransmission count and converts it back to seconds, so 5 reads as 7.
            assertThat(NativeSocketOptions.getIntOption(ch, NativeSocketOptions.IPPROTO_TCP, NativeSocketOptions.TCP_DEFER_ACCEPT))
                    .isPositive();
        }
    }

    @Test
    void appliesOnlyWhatIsAsked() throws Exception {
        assumeAvailable();
        try (ServerSocketChannel ch = listen()) {
            assertThat(NativeSocketOptions.apply(ch, SocketOptions.builder().deferAcceptSeconds(3).build())).isTrue();
            assertThat(NativeSocketOptions.getIntOption(ch, NativeSocketOptions.IPPROTO_TCP, NativeSocketOptions.TCP_FASTOPEN)).isZero();
            assertThat(NativeSocketOptions.getIntOption(ch, NativeSocketOptions.IPPROTO_TCP, NativeSocketOptions.TCP_DEFER_ACCEPT)).isPositive();
        }
    }

    @Test
    void bothZeroDoesNothingAndSucceeds() throws Exception {
        try (ServerSocketChannel ch = listen()) {
            assertThat(NativeSocketOptions.apply(ch, SocketOptions.DEFAULTS)).isTrue();
            if (NativeSocketOptions.isAvailable()) {
                assertThat(NativeSocketOptions.getIntOption(ch, NativeSocketOptions.IPPROTO_TCP, NativeSocketOptions.TCP_FASTOPEN)).isZero();
                assertThat(NativeSocketOptions.getIntOption(ch, NativeSocketOptions.IPPROTO_TCP, NativeSocketOptions.TCP_DEFER_ACCEPT)).isZero();
            }
        }
    }

    @Test
    void readsTheDescriptorOfTheRightSocket() throws Exception {
        assumeAvailable();
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open()) {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            client.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            assertThat(NativeSocketOptions.getIntOption(server, NativeSocketOptions.SOL_SOCKET, NativeSocketOptions.SO_REUSEADDR)).isEqualTo(1);
            assertThat(NativeSocketOptions.getIntOption(client, NativeSocketOptions.SOL_SOCKET, NativeSocketOptions.SO_REUSEADDR)).isZero();
        }
    }

    @Test
    void closedChannelIsRefusedWithoutThrowing() throws Exception {
        ServerSocketChannel ch = listen();
        ch.close();
        assertThatCode(() -> assertThat(NativeSocketOptions.apply(ch, BOTH)).isFalse()).doesNotThrowAnyException();
    }

    /** The rule for a JVM without the flags: one warning line, no exception, no JVM restricted-method warning. */
    @Test
    void withoutFlagsSkipsWithOneWarning() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                WithoutFlags.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Flags smuggled in through the environment would defeat the point of the test.
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("apply=false,false");
        assertThat(output.lines().filter(l -> l.contains("TCP_FASTOPEN and TCP_DEFER_ACCEPT skipped")).count()).as(output).isEqualTo(1);
        assertThat(output).as(output).doesNotContain("restricted method").doesNotContain("Exception");
    }

    /** Run in a child JVM started with no flags. */
    public static final class WithoutFlags {
        public static void main(String[] args) throws Exception {
            try (ServerSocketChannel a = listen(); ServerSocketChannel b = listen()) {
                System.out.println("apply=" + NativeSocketOptions.apply(a, BOTH) + "," + NativeSocketOptions.apply(b, BOTH));
            }
        }
    }
}
