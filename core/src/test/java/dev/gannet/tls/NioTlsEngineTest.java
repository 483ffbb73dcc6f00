package dev.gannet.tls;

/** The TLS engine suite on the nio engine. */
class NioTlsEngineTest extends TlsEngineSuite {
    @Override
    String engine() {
        return "nio";
    }
}
