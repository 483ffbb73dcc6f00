/**
 * Framing codecs: pure push parsers over byte buffers with no I/O. A decoder instance belongs to one connection and
 * is driven from that connection's callbacks only; frames handed to a sink are views valid during the call.
 */
package dev.gannet.codec;
