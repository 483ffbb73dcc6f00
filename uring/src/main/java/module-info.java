/**
 * The io_uring engine, in pure Java over {@code java.lang.foreign}. It registers itself as the engine named
 * {@code io_uring}; {@code auto} picks it where the kernel allows. Needs
 * {@code --enable-native-access=dev.gannet.uring,dev.gannet.core} (or {@code ALL-UNNAMED} on the class path).
 */
module dev.gannet.uring {
    requires dev.gannet.core;
    requires java.management;
    requires jdk.management;

    provides dev.gannet.engine.Engine with dev.gannet.uring.UringEngine;
}
