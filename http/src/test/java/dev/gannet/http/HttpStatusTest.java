package dev.gannet.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpStatusTest {
    @Test
    void everyCodeOfRfc9110AndTheCommonRegisteredOnesHasItsPhrase() {
        // RFC 9110 section 15, less 305 and 306 (deprecated, unused), plus 103, 425, 428, 429, 431, 451, 511.
        int[] codes = {100, 101, 103, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 307, 308,
                400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422,
                425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 511};
        for (int code : codes) assertThat(HttpStatus.reason(code)).as("%d", code).doesNotStartWith("Status");
        assertThat(HttpStatus.reason(426)).isEqualTo("Upgrade Required");
        assertThat(HttpStatus.reason(599)).isEqualTo("Status 599");
    }
}
