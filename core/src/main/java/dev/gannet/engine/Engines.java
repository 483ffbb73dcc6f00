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

    /**
     * The engine called {@code name}, or the best available one for {@code auto}: io_uring where it runs, else nio.
     * An engine that cannot run here (io_uring on an old kernel, under seccomp, or with
     * {@code kernel.io_uring_disabled}) falls back to nio, with one log line saying why.
     */
    public static Engine get(String name) {
        boolean auto = name == null || name.equals("auto");
        Engine e = ENGINES.get(auto ? "io_uring" : name);
        if (e == null) {
            if (auto) {
                picked("nio", "the io_uring module is not on the class path");
                return NioEngine.INSTANCE;
            }
            throw new IllegalArgumentException("unknown engine '" + name + "'; known: auto, " + String.join(", ", ENGINES.keySet()));
        }
        if (!e.isAvailable()) {
            fellBack(e, auto);
            return NioEngine.INSTANCE;
        }
        if (auto) picked(e.name(), "available on this kernel");
        return e;
    }

    /**
     * Why {@code auto} chose the engine it last chose, e.g. {@code "available on this kernel"} or {@code "io_uring unavailable: ..."}, or null
     * before {@code auto} was asked. For a command line that states the choice in its own words.
     */
    public static String autoChoice() {
        return autoChoice;
    }

    private static volatile String autoChoice;

    /** Says once which engine {@code auto} chose, and why. */
    private static void picked(String engine, String why) {
        autoChoice = why;
        if (!WARNED.add("auto:" + engine)) return;
        System.getLogger(Engines.class.getName()).log(System.Logger.Level.INFO,
                "engine auto: using " + engine + " (" + why + ")");
    }

    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void fellBack(Engine e, boolean auto) {
        if (auto) autoChoice = e.name() + " unavailable: " + e.unavailableReason();
        if (!WARNED.add(e.name())) return;
        System.getLogger(Engines.class.getName()).log(auto ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                (auto ? "engine auto: using nio: " : "") + "engine " + e.name() + " unavailable ("
                        + e.unavailableReason() + "); using nio");
    }

    public static Iterable<String> names() {
        return ENGINES.keySet();
    }
}
