/**
 * Queues that greenlets and threads wait on cooperatively — gevent's {@code gevent.queue}:
 * {@link io.gevent4j.queue.Queue} (FIFO, bounded or not), {@link io.gevent4j.queue.SimpleQueue},
 * {@link io.gevent4j.queue.LifoQueue}, {@link io.gevent4j.queue.PriorityQueue},
 * {@link io.gevent4j.queue.JoinableQueue} (taskDone/join) and {@link io.gevent4j.queue.Channel}
 * (rendezvous), with {@link io.gevent4j.queue.QueueEmpty}, {@link io.gevent4j.queue.QueueFull}
 * and {@link io.gevent4j.queue.QueueShutDown}.
 *
 * <p>Every queue is also a {@link java.util.concurrent.BlockingQueue} with the JDK's
 * contracts (null items refused, an iterator that does not consume). Waiters are served
 * first come, first served, and a put hands its item straight to the first waiting getter.
 * Queues work across hubs and threads: a greenlet waiting on hub A is woken by a put from
 * hub B or from a plain thread. Every wait goes through {@link io.gevent4j.hub.internal.WaitQueue};
 * nothing waits or wakes while holding a queue's lock. See {@code docs/queue.md}.
 */
package io.gevent4j.queue;
