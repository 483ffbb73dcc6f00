/**
 * HTTP/1.1 on the Gannet transport. Request handling runs on the connection's event loop unless a route is marked
 * blocking, in which case it runs on a virtual thread and its response is handed back to the loop.
 */
package dev.gannet.http;
