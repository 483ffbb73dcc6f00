package dev.gannet.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class whose app, declared by a {@link GannetApp} method, is run by {@link GannetExtension}; test methods,
 * lifecycle methods and the constructor may then take a {@link TestClient}, the {@link dev.gannet.http.HttpServer},
 * a {@link dev.gannet.http.LocalConnector} and, in {@link Mode#SERVER}, the {@link dev.gannet.transport.Server} and
 * the port ({@link GannetPort}).
 *
 * <p>{@code @Nested} classes inherit the enclosing class's app unless they declare their own, and the mode of the
 * nearest {@code @GannetTest} around the class that declares the app applies.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(GannetExtension.class)
public @interface GannetTest {

    /** A real server on an ephemeral port (the default), or no socket at all. */
    Mode mode() default Mode.SERVER;

    /**
     * The transport engine for {@link Mode#SERVER} ({@code nio}, {@code vthread} or {@code auto}); written into the
     * config handed to the {@link GannetApp} method. Ignored in {@link Mode#LOCAL}, which has no transport.
     */
    String engine() default "nio";
}
