/**
 * What the server package needs from the socket package and users do not: not part of the API,
 * not exported by the module, and free to change between releases.
 */
package io.gevent4j.socket.internal;
