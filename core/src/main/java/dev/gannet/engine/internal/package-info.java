/**
 * What the engines share and users never see: the server life cycle and admission ({@link
 * dev.gannet.engine.internal.ServerBase}), a loop's connection group, timers and blocked-loop watch, close logging,
 * JFR connection events and descriptor-table set-up. Exported only to the io_uring module. Thread-safety is stated
 * per class: {@code ServerBase} and the rate-limited logs are thread-safe; a group, a timer and a watch belong to
 * one loop thread.
 */
package dev.gannet.engine.internal;
