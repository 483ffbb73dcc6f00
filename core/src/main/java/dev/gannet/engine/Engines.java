package dev.gannet.engine;

import dev.gannet.engine.nio.NioEngine;
import dev.gannet.engine.vthread.VThreadEngine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds engines by name. {@code nio} and {@code vthread} are built in; other modules (io_uring) add theirs
 * through {@link java.util.ServiceLoader} and {@code auto} prefers them when available.
 */
public final class Engines {
    private static final Map<String, Engine> ENGINES = load();

    private Engines() {
    }

    private static Map<String, Engine> load() {
        Map<String, Engine> m = new LinkedHashMap<>();
        for (Engine e : ServiceLoader.load(Engine.class)) m.put(e.name(), e);
        m.put(NioEngine.INSTANCE.name(), NioEngine.INSTANCE);
        m.put(VThreadEngine.INSTANCE.name(), VThreadEngine.INSTANCE);
        return Map.copyOf(m);
    }

    /** The engine called {@code name}, or the best available one for {@code auto}. */
    public static Engine get(String name) {
        if (name == null || name.equals("auto")) {
            Engine uring = ENGINES.get("io_uring");
            return uring != null && uring.isAvailable() ? uring : NioEngine.INSTANCE;
        }
        Engine e = ENGINES.get(name);
        if (e == null) throw new IllegalArgumentException("unknown engine '" + name + "'; known: auto, " + String.join(", ", ENGINES.keySet()));
        if (!e.isAvailable()) throw new IllegalStateException("engine '" + name + "' is not available on this machine");
        return e;
    }

    public static Iterable<String> names() {
        return ENGINES.keySet();
    }
}
