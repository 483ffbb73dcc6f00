package dev.gannet.testing;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.http.LocalConnector;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Runs the app of a {@link GannetApp} method for a {@link GannetTest} class and injects what tests need to talk to it.
 * Usually registered through {@link GannetTest}; registered alone ({@code @ExtendWith}) it uses that annotation's
 * defaults.
 *
 * <p>Where an app lives: a static {@link GannetApp} method gives one app per class, kept in the class's JUnit store,
 * started in {@code beforeAll} (or earlier, when a per-class test instance's constructor asks for it) and stopped in
 * {@code afterAll}. An instance method gives one app per test, kept in the test's store, built in {@code beforeEach}
 * from the test instance and stopped in {@code afterEach}. Every app is stored under its own context's unique id, so
 * a {@code @Nested} class that declares its own app never picks up, or stops, its enclosing class's app.
 *
 * <p>Stopping: the client first (its pooled connections would otherwise hold the drain), then a graceful shutdown
 * with a {@link RunningApp#SHUTDOWN_DEADLINE one-second} deadline, waited for, so the port is closed when the class
 * (or test) is reported finished.
 */
public final class GannetExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GannetExtension.class);
    private static final Mode DEFAULT_MODE = Mode.SERVER;
    private static final String DEFAULT_ENGINE = "nio";

    /** The {@link GannetApp} method that applies to a test class, and the class it was found on. */
    private record AppMethod(Class<?> owner, Method method) {
        boolean isStatic() {
            return ModifierSupport.isStatic(method);
        }

        String describe() {
            return owner.getName() + "." + method.getName() + "()";
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        AppMethod m = appMethod(context.getRequiredTestClass());
        // Only the class that declares (or inherits) a static app owns it; a nested class without one uses the outer's.
        if (m != null && m.isStatic() && m.owner() == context.getRequiredTestClass()) classApp(context, m);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        AppMethod m = appMethod(context.getRequiredTestClass());
        if (m == null || m.isStatic()) return;
        Object target = context.getRequiredTestInstances().findInstance(m.owner()).orElseThrow(
                () -> new ExtensionConfigurationException("no test instance of " + m.owner().getName() + " to call " + m.describe()));
        context.getStore(NAMESPACE).put(key(context), build(m, target));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext context) {
        if (pc.isAnnotated(GannetPort.class)) return true;
        Class<?> type = pc.getParameter().getType();
        // Exact types only: a parameter of type Object, say, is not a request for the app.
        return type == TestClient.class || type == HttpServer.class || type == LocalConnector.class || type == Server.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext context) {
        Class<?> type = pc.getParameter().getType();
        if (pc.isAnnotated(GannetPort.class) && type != int.class && type != Integer.class) {
            throw new ParameterResolutionException("@GannetPort goes on an int parameter, not " + type.getName());
        }
        RunningApp app = appFor(context);
        if (type == TestClient.class) return app.client;
        if (type == HttpServer.class) return app.app;
        // A new connector each time: one connector is one connection, which a test may well close.
        if (type == LocalConnector.class) return LocalConnector.of(app.app);
        if (app.server == null) {
            throw new ParameterResolutionException("the app from " + app.source + " runs in Mode.LOCAL, with no socket: "
                    + "there is no " + (type == Server.class ? "Server" : "port") + " to inject (use @GannetTest(mode = "
                    + "Mode.SERVER), or take a TestClient, which works in both modes)");
        }
        return type == Server.class ? app.server : app.server.port();
    }

    /** The app the parameters of {@code context} refer to, starting a per-class one if this is its first use. */
    private RunningApp appFor(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        AppMethod m = appMethod(testClass);
        if (m == null) {
            throw new ParameterResolutionException("no @GannetApp method in " + testClass.getName()
                    + " (or its superclasses, or the classes enclosing it as @Nested)");
        }
        if (m.isStatic()) {
            for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
                // A per-class test instance is constructed before beforeAll, so its constructor may get here first.
                if (c.getTestMethod().isEmpty() && c.getTestClass().orElse(null) == m.owner()) return classApp(c, m);
            }
            throw new ParameterResolutionException("no context for " + m.owner().getName() + " above " + context.getUniqueId());
        }
        RunningApp app = context.getTestMethod().isPresent() ? context.getStore(NAMESPACE).get(key(context), RunningApp.class) : null;
        if (app == null) {
            throw new ParameterResolutionException(m.describe() + " is an instance method, so its app exists per test "
                    + "method (from @BeforeEach on); the constructor and @BeforeAll/@AfterAll methods cannot have it. Make "
                    + "the method static for one app per class.");
        }
        return app;
    }

    private RunningApp classApp(ExtensionContext classContext, AppMethod m) {
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(key(classContext), k -> build(m, null), RunningApp.class);
    }

    private static void stop(ExtensionContext context) {
        RunningApp app = context.getStore(NAMESPACE).remove(key(context), RunningApp.class);
        if (app != null) app.close();
    }

    /** Unique per context, so a lookup never falls through to an app a parent context owns under the same key. */
    private static String key(ExtensionContext context) {
        return "app " + context.getUniqueId();
    }

    /**
     * The nearest {@link GannetApp} method: on the class or its superclasses, else on the class enclosing it when it is
     * an inner ({@code @Nested}) class, and so on outwards. Static nested classes are separate test classes in JUnit,
     * so the search stops at them.
     */
    private static AppMethod appMethod(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = isInner(c) ? c.getEnclosingClass() : null) {
            List<Method> found = AnnotationSupport.findAnnotatedMethods(c, GannetApp.class, HierarchyTraversalMode.TOP_DOWN);
            if (found.size() > 1) {
                throw new ExtensionConfigurationException("more than one @GannetApp method in " + c.getName() + ": "
                        + found.stream().map(Method::getName).toList());
            }
            if (found.size() == 1) return check(new AppMethod(c, found.getFirst()));
        }
        return null;
    }

    private static boolean isInner(Class<?> c) {
        return c.isMemberClass() && !ModifierSupport.isStatic(c);
    }

    private static AppMethod check(AppMethod m) {
        Method method = m.method();
        if (!HttpServer.class.isAssignableFrom(method.getReturnType())) {
            throw new ExtensionConfigurationException("@GannetApp method " + m.describe() + " must return an HttpServer");
        }
        Class<?>[] params = method.getParameterTypes();
        if (params.length > 1 || params.length == 1 && params[0] != HttpConfig.class && params[0] != HttpConfig.Builder.class) {
            throw new ExtensionConfigurationException("@GannetApp method " + m.describe()
                    + " may take nothing, an HttpConfig or an HttpConfig.Builder");
        }
        return m;
    }

    /** Calls the {@link GannetApp} method with the test config and starts what it returns. */
    private static RunningApp build(AppMethod m, Object target) {
        GannetTest annotation = gannetTest(m.owner()).orElse(null);
        Mode mode = annotation == null ? DEFAULT_MODE : annotation.mode();
        String engine = annotation == null ? DEFAULT_ENGINE : annotation.engine();
        HttpConfig.Builder config = HttpConfig.builder().server(ServerConfig.builder()
                .host("127.0.0.1", 0)
                .engine(engine)
                // One loop is plenty for a test and keeps thread dumps of a hung test readable.
                .threads(1)
                .shutdownTimeout(RunningApp.SHUTDOWN_DEADLINE)
                .build());
        Class<?>[] params = m.method().getParameterTypes();
        Object[] args = params.length == 0 ? new Object[0] : new Object[] {params[0] == HttpConfig.class ? config.build() : config};
        Object result = ReflectionSupport.invokeMethod(m.method(), target, args);
        if (result == null) throw new ExtensionConfigurationException("@GannetApp method " + m.describe() + " returned null");
        HttpServer app = (HttpServer) result;
        if (mode == Mode.SERVER) checkListening(app, engine, m);
        return RunningApp.start(app, mode, m.describe());
    }

    /**
     * A test must not take a fixed port (it would collide with a dev server or a parallel build) nor listen beyond
     * this machine, and must run on the engine its annotation names; a config built by hand is held to the same rule.
     */
    private static void checkListening(HttpServer app, String engine, AppMethod m) {
        ServerConfig server = app.config().server();
        InetSocketAddress address = server.address();
        if (address.getPort() != 0 || address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new ExtensionConfigurationException("the app from " + m.describe() + " would listen on " + address
                    + "; in Mode.SERVER it must listen on a loopback address with port 0. Take an HttpConfig parameter "
                    + "and pass it to HttpServer.create(config) to get such a config.");
        }
        if (!server.engine().equals(engine)) {
            throw new ExtensionConfigurationException("the app from " + m.describe() + " uses engine '" + server.engine()
                    + "' but @GannetTest names '" + engine + "'; set the engine in the annotation");
        }
    }

    /** The nearest {@link GannetTest}, also as a meta-annotation or inherited, on the class or around it. */
    private static Optional<GannetTest> gannetTest(Class<?> owner) {
        for (Class<?> c = owner; c != null; c = isInner(c) ? c.getEnclosingClass() : null) {
            Optional<GannetTest> a = AnnotationSupport.findAnnotation(c, GannetTest.class);
            if (a.isPresent()) return a;
        }
        return Optional.empty();
    }
}
