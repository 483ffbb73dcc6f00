package dev.gannet.fep.gateway;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/** The gateway package's test helpers, for tests in other packages (the command-line tests). */
public final class TestSupport {
    private TestSupport() {}

    public static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        TestMember.await(condition, what);
    }

    public static AutoCloseable rawMember(int port) throws IOException {
        return new RawMember(port);
    }

    public static void logOn(AutoCloseable member, String id, String credential) throws IOException {
        ((RawMember) member).loggedOn(id, credential);
    }

    public static void expectLogout(AutoCloseable member, int reason) throws IOException {
        ((RawMember) member).expectLogout(reason);
    }
}
