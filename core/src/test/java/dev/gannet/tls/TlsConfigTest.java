package dev.gannet.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {

    @Test
    void defaultsAreModernOnly() {
        TlsConfig config = TlsConfig.client();

        assertThat(config.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.cipherSuites()).isNotEmpty().allSatisfy(suite -> {
            assertThat(suite).matches(".*(_GCM_|_CHACHA20_POLY1305_).*");
            assertThat(suite).matches("TLS_AES_.*|TLS_CHACHA20_.*|TLS_ECDHE_(ECDSA|RSA)_WITH_.*");
        });
        assertThat(config.cipherSuites()).contains("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(config.applicationProtocols()).isEmpty();
        assertThat(config.endpointIdentification()).isTrue();
        assertThat(config.insecureTrustAll()).isFalse();
        assertThat(config.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.delegatedTaskExecutor()).isSameAs(TlsConfig.DEFAULT_TASK_EXECUTOR);
    }

    @Test
    void delegatedTasksGoWhereTheConfigSays() throws Exception {
        // The default starts a virtual thread per task: nothing to shut down.
        var ran = new java.util.concurrent.CompletableFuture<Thread>();
        TlsConfig.DEFAULT_TASK_EXECUTOR.execute(() -> ran.complete(Thread.currentThread()));
        assertThat(ran.get(10, java.util.concurrent.TimeUnit.SECONDS).isVirtual()).isTrue();

        java.util.concurrent.Executor mine = Runnable::run;
        TlsConfig config = TlsConfig.client().toBuilder().delegatedTaskExecutor(mine).build();
        assertThat(config.delegatedTaskExecutor()).isSameAs(mine);
        assertThat(config.toBuilder().build().delegatedTaskExecutor()).isSameAs(mine);
        assertThat(config.toString()).contains("delegatedTasks=");
        assertThat(TlsConfig.client().toBuilder().delegatedTaskExecutor(TlsConfig.INLINE_TASKS).build().toString())
                .contains("delegatedTasks=inline");
        assertThatThrownBy(() -> TlsConfig.client().toBuilder().delegatedTaskExecutor(null).build())
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void clientEnginesVerifyTheHostAndSendSni() {
        SSLEngine engine = TlsConfig.builder().applicationProtocols("h2", "http/1.1").build()
                .newEngine(true, "example.com", 443);

        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2")
                .doesNotContain("TLSv1", "TLSv1.1", "SSLv3");
        assertThat(engine.getEnabledCipherSuites()).allSatisfy(s -> assertThat(s).matches(".*(GCM|POLY1305).*"));
        SSLParameters params = engine.getSSLParameters();
        assertThat(params.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(params.getServerNames()).containsExactly(new SNIHostName("example.com"));
        assertThat(params.getApplicationProtocols()).containsExactly("h2", "http/1.1");
        assertThat(engine.getPeerHost()).isEqualTo("example.com");
        assertThat(engine.getPeerPort()).isEqualTo(443);
    }

    @Test
    void sniIsSentForLocalhostButNotForIpAddresses() {
        TlsConfig config = TlsConfig.client();
        assertThat(config.newEngine(true, "localhost", 1).getSSLParameters().getServerNames())
                .containsExactly(new SNIHostName("localhost"));
        assertThat(config.newEngine(true, "127.0.0.1", 1).getSSLParameters().getServerNames()).isNullOrEmpty();
        assertThat(config.newEngine(true, "::1", 1).getSSLParameters().getServerNames()).isNullOrEmpty();
    }

    @Test
    void peerHostOverridesTheConnectedHost() {
        SSLEngine engine = TlsConfig.builder().peerHost("api.example.com").build().newEngine(true, "10.0.0.7", 443);
        assertThat(engine.getPeerHost()).isEqualTo("api.example.com");
        assertThat(engine.getSSLParameters().getServerNames()).containsExactly(new SNIHostName("api.example.com"));
    }

    @Test
    void aVerifyingClientNeedsAHost() {
        assertThatThrownBy(() -> TlsConfig.client().newEngine(true, null, -1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("host");
        // Without verification it may go without.
        TlsConfig.builder().endpointIdentification(false).build().newEngine(true, null, -1);
    }

    @Test
    void serverEnginesPreferTheirOwnSuiteOrderAndAskForClientCertificates() {
        TlsConfig need = TlsConfig.builder().keyManagers(SelfSignedCertificate.generate().keyManagers())
                .clientAuth(TlsConfig.ClientAuth.NEED).build();
        SSLEngine engine = need.newEngine(false, null, -1);
        assertThat(engine.getUseClientMode()).isFalse();
        assertThat(engine.getNeedClientAuth()).isTrue();
        assertThat(engine.getSSLParameters().getUseCipherSuitesOrder()).isTrue();
        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();

        SSLEngine want = need.toBuilder().clientAuth(TlsConfig.ClientAuth.WANT).build().newEngine(false, null, -1);
        assertThat(want.getWantClientAuth()).isTrue();
        assertThat(want.getNeedClientAuth()).isFalse();
    }

    @Test
    void theSelectorIsInstalledOnServerEngines() {
        TlsConfig config = TlsConfig.builder().applicationProtocolSelector((e, offered) -> "h2").build();
        assertThat(config.newEngine(false, null, -1).getHandshakeApplicationProtocolSelector()).isNotNull();
        assertThat(config.newEngine(true, "localhost", 1).getHandshakeApplicationProtocolSelector()).isNull();
    }

    @Test
    void insecureTrustAllIsExplicitAndSkipsHostChecks() {
        TlsConfig config = TlsConfig.builder().insecureTrustAll().build();
        assertThat(config.insecureTrustAll()).isTrue();
        assertThat(config.endpointIdentification()).isFalse();
        assertThat(config.toString()).contains("INSECURE");
        assertThat(config.newEngine(true, "localhost", 1).getSSLParameters().getEndpointIdentificationAlgorithm())
                .isNull();
    }

    @Test
    void unsupportedSettingsAreRefusedAtBuildTime() {
        assertThatThrownBy(() -> TlsConfig.builder().protocols("TLSv9").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLSv9");
        assertThatThrownBy(() -> TlsConfig.builder().cipherSuites("TLS_NOPE").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS_NOPE");
        assertThatThrownBy(() -> TlsConfig.builder().protocols().build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TlsConfig.builder().handshakeTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TlsConfig.builder().applicationProtocols("").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anSslContextCannotBeMixedWithKeyOrTrustMaterial() throws Exception {
        SSLContext context = SSLContext.getDefault();
        assertThatThrownBy(() -> TlsConfig.builder().sslContext(context).insecureTrustAll().build())
                .isInstanceOf(IllegalStateException.class);
        assertThat(TlsConfig.builder().sslContext(context).build().sslContext()).isSameAs(context);
    }

    @Test
    void toBuilderKeepsEverything() {
        TlsConfig original = TlsConfig.builder().applicationProtocols("h2").peerHost("x.example")
                .handshakeTimeout(Duration.ofSeconds(3)).protocols("TLSv1.3").build();
        TlsConfig copy = original.toBuilder().build();
        assertThat(copy).isEqualTo(original);

        // Trusting everything on top of an inherited context replaces the context.
        TlsConfig insecure = original.toBuilder().insecureTrustAll().build();
        assertThat(insecure.sslContext()).isNotSameAs(original.sslContext());
        assertThat(insecure.applicationProtocols()).containsExactly("h2");
        // Setting a context on a builder from an insecure config drops the insecure flag with it.
        assertThat(insecure.toBuilder().sslContext(original.sslContext()).build().insecureTrustAll()).isFalse();
    }

    @Test
    void factories(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate("localhost");
        Path certFile = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        cert.writePem(certFile, keyFile);

        TlsConfig server = TlsConfig.server(certFile, keyFile);
        assertThat(server.newEngine(false, null, -1).getUseClientMode()).isFalse();
        assertThat(TlsConfig.client(certFile).endpointIdentification()).isTrue();
        assertThat(TlsConfig.selfSigned("localhost", "127.0.0.1").protocols()).isEqualTo(List.of("TLSv1.3", "TLSv1.2"));
        assertThatThrownBy(() -> TlsConfig.server(dir.resolve("missing.pem"), keyFile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    }

    @Test
    void aDefaultAlpnListAppliesOnlyWhenTheApplicationSetNone() {
        TlsConfig plain = TlsConfig.selfSigned("localhost");
        TlsConfig defaulted = plain.withDefaultApplicationProtocols("http/1.1");
        assertThat(defaulted.applicationProtocols()).containsExactly("http/1.1");
        assertThat(defaulted.sslContext()).isSameAs(plain.sslContext());
        TlsConfig own = plain.toBuilder().applicationProtocols("h2", "http/1.1").build();
        assertThat(own.withDefaultApplicationProtocols("http/1.1")).isSameAs(own);
        TlsConfig selecting = plain.toBuilder().applicationProtocolSelector((engine, offered) -> "x").build();
        assertThat(selecting.withDefaultApplicationProtocols("http/1.1")).isSameAs(selecting);
    }
}
