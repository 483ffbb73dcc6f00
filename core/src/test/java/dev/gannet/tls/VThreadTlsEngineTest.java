package dev.gannet.tls;

/** The TLS engine suite on the vthread engine. */
class VThreadTlsEngineTest extends TlsEngineSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
