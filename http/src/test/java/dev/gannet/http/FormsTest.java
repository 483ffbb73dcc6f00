package dev.gannet.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** URL-encoded and multipart forms, through the whole request path. */
class FormsTest {
    private final LocalConnector local = LocalConnector.of(HttpServer.create()
            .post("/form", (req, res) -> res.text(req.formParams().toString()))
            .post("/upload", (req, res) -> {
                StringBuilder sb = new StringBuilder();
                for (Multipart.Part p : req.multipart()) {
                    sb.append(p.name()).append('=').append(p.filename()).append(':').append(p.contentType()).append(':').append(p.text()).append(';');
                }
                res.text(sb.toString());
            })
            .get("/cookie", (req, res) -> res.header("Set-Cookie", "sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax").text(String.valueOf(req.cookie("a")))));

    private static String post(String path, String contentType, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void urlEncodedForm() {
        String raw = local.request(post("/form", "application/x-www-form-urlencoded", "a=1&b=x+y&a=%C3%A9"));
        // The connector hands back raw bytes as ISO-8859-1; the body is UTF-8.
        String out = new String(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(out).endsWith("{a=[1, é], b=[x y]}");
    }

    @Test
    void multipartForm() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n"
                + "--XyZ--\r\n";
        String out = local.request(post("/upload", "multipart/form-data; boundary=XyZ", body));
        assertThat(out).endsWith("title=null:null:hello;file=a.txt:text/plain:line1\r\nline2;");
    }

    @Test
    void cookiesReadAndSet() {
        String out = local.request("GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: a=1; b=2\r\n\r\n");
        assertThat(out).contains("Set-Cookie: sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax").endsWith("1");
    }
}
