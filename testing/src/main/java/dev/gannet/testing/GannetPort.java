package dev.gannet.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an {@code int} (or {@code Integer}) parameter: the port the app under test listens on, in {@link Mode#SERVER}.
 * A plain {@code int} parameter is left to other resolvers; the annotation says which number is meant.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GannetPort {
}
