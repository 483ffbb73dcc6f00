/**
 * Cross-node fan-out of WebSocket topics over NATS: {@code app.topics().fanout(new NatsFanout(config))} makes a
 * message published to a topic on any node reach that topic's subscribers on every node.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>{@code interest}, {@code noInterest} and {@code publish} are called by {@code Topics} on event loops, from
 *       any number of threads at once. They never block on the network: interest changes only count (an atomic
 *       update of a concurrent map) and, when a topic's count crosses zero, post a task to the fanout's single
 *       control thread; a publish hands the message to the NATS client, whose own thread writes it, and a full
 *       outgoing queue or reconnect buffer drops the message (counted) instead of waiting.</li>
 *   <li>The control thread ({@code gannet-nats-control}) owns the NATS subscriptions: it subscribes and unsubscribes
 *       one change at a time, in the order asked, checking the current count each time, so a burst of joins and
 *       leaves can never leave a topic with two subscriptions or with none while it has subscribers.</li>
 *   <li>Every subscription shares one NATS dispatcher, whose one thread calls the {@code Sink}: messages from other
 *       nodes arrive in order, one at a time. The sink ({@code Topics}) only posts a task per event loop, so it does not
 *       hold that thread; a sink that does is cut off by the dispatcher's pending limits (messages dropped and
 *       counted as a slow consumer) rather than growing memory.</li>
 *   <li>Connection events and errors arrive on the NATS client's callback thread and only update counters.</li>
 *   <li>{@code start} (connect) and {@code close} (drain) block, and are for start-up and shutdown.</li>
 * </ul>
 *
 * <h2>Failure</h2>
 * The NATS client reconnects by itself, without limit, and restores the subscriptions; publishes made while it is
 * disconnected wait in a bounded reconnect buffer. What does not fit is lost and counted
 * ({@link dev.gannet.nats.NatsFanout#stats()}): NATS core is at-most-once, and so is this fan-out. Messages
 * published while a node is disconnected do not reach that node.
 */
package dev.gannet.nats;
