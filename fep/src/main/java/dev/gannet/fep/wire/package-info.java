/**
 * The FEP wire protocol (docs/fep-protocol.md): a 32-byte little-endian header and a fixed body per message type.
 *
 * <p>Pure and push-based: {@link dev.gannet.fep.wire.Frame} reads and writes fields in place in a buffer it is
 * pointed at, and {@link dev.gannet.fep.wire.Validator} checks bytes; no I/O and no allocation. A {@code Frame} is a
 * mutable flyweight: one per thread (or per session), never shared.
 */
package dev.gannet.fep.wire;
