/**
 * Gannet's core: pooled buffers, the transport API, framing codecs, TLS, and the nio and vthread engines.
 *
 * <p>The nio engine and the native socket options call libc through {@code java.lang.foreign}, so this module
 * needs {@code --enable-native-access=dev.gannet.core} (or {@code ALL-UNNAMED} on the class path). Reading a
 * channel's descriptor also needs {@code --add-exports java.base/sun.nio.ch=dev.gannet.core}; without either the
 * engine falls back to the JDK's selector, with one warning. The engines' shared internals are exported only to
 * the io_uring module.
 */
module dev.gannet.core {
    requires java.management;
    requires jdk.management;
    requires jdk.jfr;

    exports dev.gannet.buffer;
    exports dev.gannet.codec;
    exports dev.gannet.engine;
    exports dev.gannet.tls;
    exports dev.gannet.transport;
    exports dev.gannet.engine.internal to dev.gannet.uring;

    uses dev.gannet.engine.Engine;
}
