package io.streamvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamvault.plans.Plan;
import io.streamvault.plans.PlanStore;
import io.streamvault.vault.TestVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: headless Chromium (the system's, driven by its chromedriver)
 * against a real server on a real vault. Signs in, reads the overview, browses a snapshot and
 * downloads a file (bytes compared), starts a filtered restore and sees it finish (files compared),
 * creates a plan (read back from the vault), previews and applies a forget, and sees a read-only
 * token refused. Writes a screenshot of each page to target/console-screenshots (docs/console holds
 * the current ones). Skipped, saying so, where Chromium or chromedriver is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
    static final String READ = "read-token-0123456789abcdef";
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("chromedriver", "/usr/bin/chromedriver"));
    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;
    TestVault tv;
    ApiServer server;
    ChromeDriver browser;
    WebDriverWait wait;
    Path src;
    Path downloads;
    String base;
    String first;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "the console's browser tests need"
                + " Chromium and chromedriver (Debian: apt-get install chromium chromium-driver; bin/test installs"
                + " them when it runs as root); not found at " + CHROMIUM + " and " + DRIVER);
        Random rnd = new Random(11);
        src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("docs"));
        Files.createDirectories(src.resolve("data"));
        Files.write(src.resolve("docs/report.pdf"), bytes(rnd, 200_000));
        Files.write(src.resolve("docs/notes.pdf"), bytes(rnd, 3_000));
        Files.writeString(src.resolve("docs/readme.txt"), "read me\n");
        Files.write(src.resolve("data/big.bin"), bytes(rnd, 1_500_000));
        tv = TestVault.create(tmp.resolve("vault"), 64 << 10);
        first = tv.backup(src, "web-host");
        Files.writeString(src.resolve("docs/readme.txt"), "read me again\n");
        tv.backup(src, "web-host");
        Path tokens = Files.writeString(tmp.resolve("tokens"), "read " + READ + " viewer\nadmin " + ADMIN + " operator\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        Instant now = Instant.now();
        JobView running = new JobView("job-0123456789ab", "running", "node-7", "/lustre/projects", List.of("nightly"),
                now.minusSeconds(40), now, null, 1200, 5000, false, 3L << 30, 8L << 30, 9L << 30, 1L << 30, 80L << 20,
                64_000, null, null);
        server = ApiServer.start(tv.vault, ApiServer.Options.of("127.0.0.1", 0, tokens).withJobs(() -> List.of(running)));
        base = "http://127.0.0.1:" + server.port();
        downloads = Files.createDirectories(tmp.resolve("downloads"));
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1366,900", "--user-data-dir=" + Files.createDirectories(tmp.resolve("profile")));
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toString());
        prefs.put("download.prompt_for_download", false);
        o.setExperimentalOption("prefs", prefs);
        o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), o);
        wait = new WebDriverWait(browser, WAIT) {
            @Override
            protected RuntimeException timeoutException(String message, Throwable last) {
                return super.timeoutException(message + "\npage: " + browser.getCurrentUrl() + "\n"
                        + browser.findElement(By.tagName("body")).getText() + "\nconsole: "
                        + browser.manage().logs().get(LogType.BROWSER).getAll(), last);
            }
        };
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (tv != null) {
            tv.close();
        }
    }

    @Test
    void anAdministratorUsesEveryPage() throws Exception {
        signIn(ADMIN);
        assertTrue(browser.findElement(By.id("who")).getText().contains("operator (admin)"));
        WebElement stored = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=stored] .value")));
        assertTrue(stored.getText().matches("[0-9.]+ (KiB|MiB)"), stored.getText());
        assertEquals("none", browser.findElement(By.cssSelector("[data-testid=lock] .value")).getText());
        shot("overview");

        // snapshots: the list, then a snapshot's tree, then a download compared byte for byte
        browser.findElement(By.cssSelector("a[data-page=snapshots]")).click();
        List<WebElement> rows = wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("table[data-testid=snapshots] tbody tr"), 2));
        shot("snapshots");
        browser.get(base + "/console/#/snapshots/" + first);
        click(By.linkText("docs/"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-name='report.pdf'] button.download"))).click();
        Path got = downloads.resolve("report.pdf");
        wait.until(d -> Files.exists(got) && size(got) == 200_000);
        assertArrayEquals(Files.readAllBytes(src.resolve("docs/report.pdf")), Files.readAllBytes(got));
        shot("tree");

        // a restore of this directory, only *.pdf, to another place, followed to its end
        Path target = tmp.resolve("restored");
        WebElement form = browser.findElement(By.id("restore-form"));
        form.findElement(By.name("include")).sendKeys("*.pdf");
        form.findElement(By.name("target")).sendKeys(target.toString());
        new Select(form.findElement(By.name("overwrite"))).selectByValue("always");
        browser.findElement(By.id("restore-start")).click();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid=restore-state]"), "data-state", "done"));
        shot("restore");
        assertEquals(new TreeSet<>(List.of("notes.pdf", "report.pdf")), names(target));
        for (String n : List.of("notes.pdf", "report.pdf")) {
            assertArrayEquals(Files.readAllBytes(src.resolve("docs/" + n)), Files.readAllBytes(find(target, n)));
        }

        // a plan, created in the form and read back from the vault
        browser.findElement(By.cssSelector("a[data-page=plans]")).click();
        WebElement create = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plan-create")));
        create.findElement(By.name("name")).sendKeys("projects-nightly");
        create.findElement(By.name("path")).sendKeys("/lustre/projects");
        create.findElement(By.name("keep-daily")).sendKeys("7");
        browser.findElement(By.id("plan-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plan-edit")));
        Optional<Plan> plan = new PlanStore(tv.vault).get("projects-nightly");
        assertTrue(plan.isPresent(), "the plan is in the vault");
        assertEquals("/lustre/projects", plan.get().path());
        browser.findElement(By.cssSelector("a[data-page=plans]")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table[data-testid=plans] tr[data-name=projects-nightly]")));
        shot("plans");

        // running jobs with their progress
        browser.findElement(By.cssSelector("a[data-page=jobs]")).click();
        WebElement job = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table[data-testid=backup-jobs] tr[data-id='job-0123456789ab']")));
        assertTrue(job.getText().contains("/lustre/projects") && job.getText().contains("80.0 MiB/s"), job.getText());
        shot("jobs");

        // forget: the preview first, then exactly what it showed
        browser.findElement(By.cssSelector("a[data-page=forget]")).click();
        WebElement policy = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("forget-form")));
        policy.findElement(By.name("keep_last")).sendKeys("1");
        browser.findElement(By.id("forget-preview")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + first + "'][data-action=remove]")));
        assertEquals(2, tv.vault.listSnapshots().size(), "a preview deletes nothing");
        shot("forget");
        browser.findElement(By.id("forget-confirm")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=forget-done]")));
        assertEquals(1, tv.vault.listSnapshots().size());
        signOut();
    }

    @Test
    void aReadOnlyTokenSeesWhatItMayNotDo() throws IOException {
        signIn(READ);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=stored] .value")));
        browser.get(base + "/console/#/plans");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertTrue(error.getText().contains("HTTP 403") && error.getText().contains("needs admin"), error.getText());
        assertEquals("forbidden", error.getAttribute("data-code"));
        shot("forbidden");
        signOut();
    }

    @Test
    void aWrongTokenIsNotSignedIn() {
        browser.get(base + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys("not-a-token");
        browser.findElement(By.id("signin")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertTrue(error.getText().contains("not accepted"), error.getText());
        assertTrue(browser.findElement(By.id("nav")).getAttribute("hidden") != null, "no navigation without a session");
    }

    private void signIn(String token) {
        browser.get(base + "/");
        browser.executeScript("sessionStorage.clear()"); // whatever a test before left, this one starts signed out
        browser.navigate().refresh();
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.sendKeys(token);
        browser.findElement(By.id("signin")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
    }

    private void signOut() {
        browser.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    }

    private void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    private void shot(String page) throws IOException {
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(TreeSet::new, TreeSet::add,
                    TreeSet::addAll);
        }
    }

    private static Path find(Path dir, String name) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
        }
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
