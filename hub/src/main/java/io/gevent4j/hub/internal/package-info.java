/**
 * gevent4j's own plumbing, shared by its modules and exported to them only (see the
 * module-info of gevent4j-hub): not API. The one timeout rule, the wait queue that events,
 * locks and queues are built on.
 */
package io.gevent4j.hub.internal;
