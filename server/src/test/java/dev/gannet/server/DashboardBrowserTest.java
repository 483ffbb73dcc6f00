package dev.gannet.server;

import dev.gannet.http.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium: the charts fill from /events/stats, the request rate follows load, and
 * chat messages go round the server between the page and a Java WebSocket client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** A number as the page shows it: digits with thousands separators, maybe a fraction. */
    private static final Pattern NUMBER = Pattern.compile("\\d{1,3}(,\\d{3})*(\\.\\d+)?");

    private DemoServer demo;
    private WebDriver driver;
    private final AtomicBoolean loading = new AtomicBoolean(true);

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "chromium/chromedriver not installed (Debian: apt-get install chromium chromium-driver)";
            // CI installs them: there a missing browser is a broken setup, not a reason to skip.
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        demo = new DemoServer();
        // The driver named outright, so Selenium Manager has nothing to look up or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,900", "--no-first-run", "--disable-extensions");
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        loading.set(false);
        if (driver != null) driver.quit();
        if (demo != null) demo.close();
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    private int points(String chart) {
        String v = driver.findElement(By.id(chart)).getAttribute("data-points");
        return v == null ? 0 : Integer.parseInt(v);
    }

    private static double number(String shown) {
        return Double.parseDouble(shown.replace(",", ""));
    }

    @Test
    void chartsFillAndChatGoesRoundTheServer() throws Exception {
        var wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        driver.get(demo.origin() + "/");

        // Load in the background, so requests/s has something to show.
        Thread load = Thread.ofVirtual().start(() -> {
            var req = HttpRequest.newBuilder(demo.uri("http", "/plaintext")).build();
            while (loading.get()) {
                try {
                    demo.http.send(req, HttpResponse.BodyHandlers.discarding());
                    Thread.sleep(2);
                } catch (Exception e) {
                    return; // the server is stopping
                }
            }
        });

        List<String> charts = List.of("connections-chart", "rps-chart", "p50-chart", "p99-chart");
        wait.withMessage("every chart plots 3 points and every value is a number").until(d ->
                charts.stream().allMatch(c -> points(c) >= 3)
                        && List.of("connections-value", "rps-value", "p50-value", "p99-value").stream()
                        .allMatch(id -> NUMBER.matcher(text(id)).matches()));
        assertThat(number(text("connections-value"))).as("connections open: at least the page's own").isGreaterThanOrEqualTo(1);
        wait.withMessage("requests/s shows the load").until(d -> number(text("rps-value")) > 0);
        assertThat(number(text("p99-value"))).isGreaterThan(0);

        // Chat: the page joins "lobby" by itself; a Java client joins the same room.
        wait.withMessage("the page's chat is connected").until(d -> d.findElement(By.id("chat-send")).isEnabled());
        var java = demo.webSocket("/chat/lobby", demo.origin());
        var javaWs = java.open();
        assertThat(json(java.next())).containsKey("you");

        String fromBrowser = "hello from chromium <b>not bold</b> \"quoted\"";
        driver.findElement(By.id("chat-input")).sendKeys(fromBrowser);
        driver.findElement(By.id("chat-send")).click();
        wait.withMessage("the page's message comes back to it").until(d -> text("chat-log").contains(fromBrowser));
        assertThat(driver.findElements(By.cssSelector("#chat-log b"))).as("text, not markup").isEmpty();
        assertThat(json(java.next())).containsEntry("text", fromBrowser);

        String fromJava = "hello from java ✓";
        javaWs.sendText(fromJava, true).join();
        wait.withMessage("the Java client's message reaches the page").until(d -> text("chat-log").contains(fromJava));
        assertThat(json(java.next())).as("the sender gets its own message too").containsEntry("text", fromJava);

        // Let the charts gather a few more points for a screenshot worth looking at.
        wait.until(d -> points("rps-chart") >= 6);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("/tmp/dashboard.png"), StandardCopyOption.REPLACE_EXISTING);

        // The page's socket drops (as an idle one did every minute): it reconnects without a second "joined" line.
        String firstMe = (String) ((JavascriptExecutor) driver).executeScript("return me;");
        ((JavascriptExecutor) driver).executeScript("socket.close();");
        wait.withMessage("the page's chat reconnects as a new socket").until(d -> {
            Object me = ((JavascriptExecutor) d).executeScript("return me;");
            return me != null && !me.equals(firstMe) && d.findElement(By.id("chat-send")).isEnabled();
        });
        String afterReconnect = "still here after a reconnect";
        driver.findElement(By.id("chat-input")).sendKeys(afterReconnect);
        driver.findElement(By.id("chat-send")).click();
        wait.withMessage("the reconnected page's message comes back to it").until(d -> text("chat-log").contains(afterReconnect));
        List<String> joined = driver.findElements(By.cssSelector("#chat-log li.system")).stream()
                .map(e -> e.getText()).filter(t -> t.contains("joined")).toList();
        assertThat(joined).as("one \"joined\" line: a reconnect is quiet").hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#chat-log li.mine")).getLast().getText()).contains(afterReconnect);

        loading.set(false);
        load.join(5000);
        javaWs.sendClose(1000, "").join();
    }

    @Test
    void aPageOpenedLaterShowsTheLastTicksAtOnceWithLatencyOfTheLastSecond() throws Exception {
        // The server runs under load for a few ticks before any page opens.
        Thread load = Thread.ofVirtual().start(() -> {
            var req = HttpRequest.newBuilder(demo.uri("http", "/plaintext")).build();
            while (loading.get()) {
                try {
                    demo.http.send(req, HttpResponse.BodyHandlers.discarding());
                    Thread.sleep(2);
                } catch (Exception e) {
                    return;
                }
            }
        });
        var get = HttpRequest.newBuilder(demo.uri("http", "/stats")).build();
        long loadFrom = uptime(get);
        while (uptime(get) < loadFrom + 6) Thread.sleep(100); // five whole ticks with requests in each: slack for a slow machine

        driver.get(demo.origin() + "/");
        var wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(50));
        List<String> charts = List.of("connections-chart", "rps-chart", "p50-chart", "p99-chart");
        wait.withMessage("the charts draw").until(d -> points("rps-chart") > 0);
        // What the page shows first: the ticks the server kept, not the one tick of the moment.
        Map<String, Integer> first = new java.util.LinkedHashMap<>();
        for (String c : charts) first.put(c, points(c));
        assertThat(first).as("points per chart on first draw").allSatisfy((c, n) -> assertThat(n).as(c).isGreaterThanOrEqualTo(3));

        wait.withMessage("the latency cards show the last second").until(d ->
                NUMBER.matcher(text("p50-value")).matches() && text("p50-sub").startsWith("last second"));
        assertThat(text("p99-sub")).startsWith("last second").doesNotContain("since start");
        assertThat(driver.findElement(By.cssSelector("article:has(#p50-chart)")).getAttribute("title"))
                .as("the card says what the latency is").contains("inside the server");
        loading.set(false);
        load.join(5000);
    }

    private long uptime(HttpRequest stats) throws Exception {
        return ((Number) json(demo.http.send(stats, HttpResponse.BodyHandlers.ofString()).body()).get("uptimeSeconds")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Object message) throws Exception {
        byte[] b = ((String) message).getBytes(StandardCharsets.UTF_8);
        return JsonMapper.dslJson().read(b, 0, b.length, Map.class);
    }
}
