package dev.gannet.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method that builds the app under test: it returns an {@link dev.gannet.http.HttpServer} with its routes,
 * not started. One per class (an inherited one counts).
 *
 * <p>It may take no parameter, or one {@link dev.gannet.http.HttpConfig} or {@link dev.gannet.http.HttpConfig.Builder}:
 * the extension then passes a config that listens on {@code 127.0.0.1} port 0 with the engine of {@link GannetTest},
 * one event loop and a one-second shutdown, which the method may adjust (limits, JSON mapper...) before
 * {@code HttpServer.create(config)}. A method without a parameter builds its own config; in {@link Mode#SERVER} that
 * config must still listen on a loopback address with port 0 and use the annotation's engine, so that a test can
 * never grab a fixed port or run on an engine other than the one it names.
 *
 * <p>Lifecycle:
 * <ul>
 *   <li>a {@code static} method: one app for the whole test class (and its {@code @Nested} classes), started before
 *       the first test (before {@code @BeforeAll} methods) and stopped after the last ({@code @AfterAll} methods
 *       still see it running);</li>
 *   <li>an instance method: a fresh app for every test method, built on that test's instance after the test
 *       instance exists and stopped after the test. The constructor and {@code @BeforeAll} methods cannot take its
 *       parameters, since no app exists yet when they run.</li>
 * </ul>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GannetApp {
}
