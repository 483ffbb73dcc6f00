/**
 * Testing Gannet HTTP apps with JUnit 5, with no async plumbing: annotate the class with {@link
 * dev.gannet.testing.GannetTest}, give it a {@link dev.gannet.testing.GannetApp} method that declares the routes, and
 * take a {@link dev.gannet.testing.TestClient} as a test parameter.
 *
 * <pre>{@code
 * @GannetTest                        // or @GannetTest(mode = Mode.LOCAL): same tests, no socket
 * class UsersTest {
 *     @GannetApp
 *     static HttpServer app(HttpConfig config) {
 *         return HttpServer.create(config).get("/users/{id}", (req, res) -> res.text("user " + req.pathParam("id")));
 *     }
 *
 *     @Test
 *     void findsAUser(TestClient client) {
 *         assertEquals("user 7", client.get("/users/7").body());
 *     }
 * }
 * }</pre>
 */
package dev.gannet.testing;
