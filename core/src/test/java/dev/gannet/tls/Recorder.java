package dev.gannet.tls;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/** A test handler that records what happens to its (single) connection and can be given behaviour. */
final class Recorder implements Handler {

    Connection connection;
    int opens;
    String protocolAtOpen;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    int dataCalls;
    boolean endOfInput;
    boolean closed;
    Throwable closeCause;
    int writabilityChanges;

    Consumer<Connection> onOpen = c -> { };
    /** Consumes what it wants from the buffer; the default takes everything into {@link #received}. */
    BiFunction<Connection, ByteBuffer, Action> onData = (c, in) -> {
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        received.writeBytes(bytes);
        return Action.KEEP;
    };
    Action onEndOfInputAction = Action.CLOSE;

    @Override
    public Action onOpen(Connection c) {
        connection = c;
        opens++;
        protocolAtOpen = c.applicationProtocol();
        onOpen.accept(c);
        return Action.KEEP;
    }

    @Override
    public Action onData(Connection c, ByteBuffer in) {
        dataCalls++;
        return onData.apply(c, in);
    }

    @Override
    public Action onEndOfInput(Connection c) {
        endOfInput = true;
        return onEndOfInputAction;
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        writabilityChanges++;
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        closed = true;
        closeCause = cause;
    }

    byte[] bytes() {
        return received.toByteArray();
    }
}
