/**
 * What gevent4j's other modules need from the native module and users do not: not part of
 * the API, exported only to gevent4j's own modules, and free to change between releases.
 */
package io.gevent4j.loop.internal;
