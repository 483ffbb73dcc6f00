package dev.gannet.fep.gateway;

import dev.gannet.fep.sim.Exchange;
import dev.gannet.tls.SelfSignedCertificate;
import dev.gannet.tls.TlsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gannet.fep.gateway.TestMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS on both sides of the gateway, configured through its properties file: a member with a certificate
 * the gateway trusts gets through to the simulator, which itself requires the gateway's client certificate; a
 * member without one never logs on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayTlsTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    private SelfSignedCertificate cert(String name) throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.generate("localhost", "127.0.0.1");
        c.writePem(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        return c;
    }

    @Test
    void mutualTlsOnTheMemberAndTheUpstreamSide() throws Exception {
        SelfSignedCertificate gatewayCert = cert("gateway"), memberCert = cert("member"), exchangeCert = cert("exchange");
        Exchange exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0)
                .tls(TlsConfig.builder().keyManagers(exchangeCert.keyManagers())
                        .trustCertificates(gatewayCert.certificate()).clientAuth(TlsConfig.ClientAuth.NEED).build())
                .build());
        closing.add(exchange);
        exchange.recordOrders(true);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("gateway.properties");
        Files.writeString(config, String.join("\n",
                "listen = 127.0.0.1:" + port,
                "journal.dir = journal",
                "tls.cert = gateway.crt", "tls.key = gateway.key", "tls.clientAuth = need", "tls.trust = member.crt",
                "member.FIRM1.session = 1", "member.FIRM1.credential = pw1",
                "upstream.exchange.address = 127.0.0.1:" + exchange.port(),
                "upstream.exchange.destination = 1", "upstream.exchange.types = NewOrder",
                "upstream.exchange.member = GATEWAY", "upstream.exchange.credential = secret",
                "upstream.exchange.session = 1001",
                "upstream.exchange.tls = true", "upstream.exchange.tls.trust = exchange.crt",
                "upstream.exchange.tls.cert = gateway.crt", "upstream.exchange.tls.key = gateway.key", ""));
        Gateway gateway = new Gateway(GatewayConfig.load(config)).start();
        closing.add(gateway);
        await(gateway::upstreamsActive, "the upstream logon over mutual TLS");

        TestMember member = new TestMember(new InetSocketAddress("127.0.0.1", port), "FIRM1", "pw1", 1,
                TlsConfig.builder().keyManagers(memberCert.keyManagers())
                        .trustCertificates(gatewayCert.certificate()).build());
        closing.add(member);
        for (long id = 1; id <= 20; id++) member.order(id, 1);
        await(() -> member.acked(1, 20), "acks over TLS");
        assertThat(exchange.recordedOrders()).hasSize(20);

        // Without a client certificate the handshake fails: no logon ever happens for this member.
        TestMember stranger = new TestMember(new InetSocketAddress("127.0.0.1", port), "FIRM1", "pw1", 1,
                TlsConfig.builder().trustCertificates(gatewayCert.certificate()).build());
        closing.add(stranger);
        Thread.sleep(500);
        assertThat(stranger.session.isActive()).isFalse();
        assertThat(stranger.counters.logons.sum()).isZero();
    }
}
