package dev.gannet.http.middleware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientAddressTest {

    private static TestServer echo(ClientAddress ca) throws Exception {
        return TestServer.start(app -> app.get("/", (req, res) -> res.text(ca.resolve(req))));
    }

    @Test
    void withoutTrustedProxiesItIsThePeerAndForwardingHeadersAreIgnored() throws Exception {
        try (TestServer s = echo(ClientAddress.peer())) {
            assertThat(s.get("/").body()).isEqualTo("127.0.0.1");
            assertThat(s.get("/", "X-Forwarded-For", "6.6.6.6").body()).isEqualTo("127.0.0.1");
            assertThat(s.get("/", "Forwarded", "for=6.6.6.6").body()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void spoofedHeaderFromAnUntrustedPeerIsIgnored() throws Exception {
        // Proxies are configured, but the peer (127.0.0.1) is not one of them.
        try (TestServer s = echo(ClientAddress.trusting("10.0.0.0/8", "fd00::/8"))) {
            assertThat(s.get("/", "X-Forwarded-For", "6.6.6.6, 10.0.0.1").body()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void behindTrustedProxiesTheRightmostUntrustedHopIsTheClient() throws Exception {
        try (TestServer s = echo(ClientAddress.trusting("127.0.0.1", "10.0.0.0/8"))) {
            // 6.6.6.6 was written by the client itself; 203.0.113.7 by our first proxy, which saw it connect.
            assertThat(s.get("/", "X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.1.2.3").body()).isEqualTo("203.0.113.7");
            assertThat(s.get("/", "X-Forwarded-For", "203.0.113.7:51234").body()).isEqualTo("203.0.113.7");
            // Nothing but our own hops: the farthest one we know of.
            assertThat(s.get("/", "X-Forwarded-For", "10.0.0.9, 10.0.0.8").body()).isEqualTo("10.0.0.9");
            // No header: the request came from the proxy itself (a health check, say).
            assertThat(s.get("/").body()).isEqualTo("127.0.0.1");
            // Garbage written by a trusted hop: never trust anything to its left.
            assertThat(s.get("/", "X-Forwarded-For", "6.6.6.6, unknown, 10.0.0.5").body()).isEqualTo("10.0.0.5");
        }
    }

    @Test
    void forwardedHeader() throws Exception {
        ClientAddress ca = ClientAddress.create(ClientAddress.Config.builder()
                .trustedProxies("127.0.0.0/8").header(ClientAddress.Header.FORWARDED).build());
        try (TestServer s = echo(ca)) {
            assertThat(s.get("/", "Forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"").body())
                    .isEqualTo("2001:db8:cafe:0:0:0:0:17");
            assertThat(s.get("/", "Forwarded", "For=\"192.0.2.60:8080\"").body()).isEqualTo("192.0.2.60");
            // This config reads Forwarded only; an X-Forwarded-For could come from anyone.
            assertThat(s.get("/", "X-Forwarded-For", "6.6.6.6").body()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void accessLogAndRateLimitUseTheResolvedAddress() throws Exception {
        ClientAddress ca = ClientAddress.trusting("127.0.0.1");
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        try (TestServer s = TestServer.start(app -> app
                .use(AccessLog.create(AccessLog.Config.builder().clientAddress(ca).sink(lines::add).build()))
                .use(RateLimit.create(RateLimit.Config.builder().rate(0.01).burst(1).clientAddress(ca).build()))
                .get("/", (req, res) -> res.text("ok")))) {
            assertThat(s.get("/", "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(200);
            assertThat(s.get("/", "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(429);
            assertThat(s.get("/", "X-Forwarded-For", "198.51.100.2").statusCode()).isEqualTo(200);
            assertThat(lines).hasSize(3);
            assertThat(lines.peek()).startsWith("198.51.100.1 ");
        }
    }

    @Test
    void cidrMatchingIpv4AndIpv6() throws Exception {
        ClientAddress ca = ClientAddress.trusting("10.0.0.0/8", "192.168.1.0/25", "2001:db8::/33", "::1");
        assertThat(ca.isTrusted(InetAddress.ofLiteral("10.255.0.1"))).isTrue();
        assertThat(ca.isTrusted(InetAddress.ofLiteral("11.0.0.1"))).isFalse();
        assertThat(ca.isTrusted(InetAddress.ofLiteral("192.168.1.127"))).isTrue();
        assertThat(ca.isTrusted(InetAddress.ofLiteral("192.168.1.128"))).isFalse();
        assertThat(ca.isTrusted(InetAddress.ofLiteral("2001:db8:7fff::1"))).isTrue();
        assertThat(ca.isTrusted(InetAddress.ofLiteral("2001:db8:8000::1"))).isFalse();
        assertThat(ca.isTrusted(InetAddress.ofLiteral("::1"))).isTrue();
        assertThat(ca.isTrusted(InetAddress.ofLiteral("::2"))).isFalse();
        // An IPv4-mapped IPv6 peer is matched by the IPv4 block.
        assertThat(ca.isTrusted(InetAddress.ofLiteral("::ffff:10.1.1.1"))).isTrue();
        assertThatThrownBy(() -> ClientAddress.trusting("example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.trusting("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsingHopsNeverResolvesNames() {
        assertThat(ClientAddress.parseNode("203.0.113.7")).isEqualTo(InetAddress.ofLiteral("203.0.113.7"));
        assertThat(ClientAddress.parseNode("[2001:db8::1]:443")).isEqualTo(InetAddress.ofLiteral("2001:db8::1"));
        assertThat(ClientAddress.parseNode("2001:db8::1")).isEqualTo(InetAddress.ofLiteral("2001:db8::1"));
        assertThat(ClientAddress.parseNode("\"[::1]\"")).isEqualTo(InetAddress.ofLiteral("::1"));
        assertThat(ClientAddress.parseNode("localhost")).isNull();
        assertThat(ClientAddress.parseNode("unknown")).isNull();
        assertThat(ClientAddress.parseNode("_hidden")).isNull();
        assertThat(ClientAddress.parseNode("fe80::1%eth0")).isNull();
        assertThat(ClientAddress.parseNode("")).isNull();
        assertThat(ClientAddress.forwardedFor("for=a;by=b, proto=https, for=\"x,y\"")).containsExactly("a", "", "\"x,y\"");
    }

    @Test
    void maxHopsBoundsTheWalk() {
        ClientAddress ca = ClientAddress.create(ClientAddress.Config.builder().trustedProxies("10.0.0.0/8").maxHops(2).build());
        InetAddress peer = InetAddress.ofLiteral("10.0.0.1");
        assertThat(ca.resolve(peer, "1.1.1.1, 10.0.0.3, 10.0.0.2")).isEqualTo(InetAddress.ofLiteral("10.0.0.3"));
        assertThat(ca.resolve(peer, "1.1.1.1, 10.0.0.2")).isEqualTo(InetAddress.ofLiteral("1.1.1.1"));
    }
}
