package kvmclockprobe.report;

import kvmclockprobe.testing.tools.RequiredTools;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SVG as a browser draws it: headless Chromium takes a screenshot. The PNG is also copied to
 * {@code target/report-screenshots/check-plot.png} for a person to look at.
 */
class CheckPlotRendersInChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void chromiumDrawsThePlot(@TempDir Path tmp) throws Exception {
        RequiredTools.assumeTool(Files.isExecutable(CHROMIUM), "chromium not installed; apt-get install chromium");
        Path svg = tmp.resolve("plot.svg");
        Path png = tmp.resolve("plot.png");
        Path profile = Files.createDirectory(tmp.resolve("profile"));
        Path log = tmp.resolve("chromium.log");
        Files.writeString(svg, CheckPlot.svg(Reports.mixed()), StandardCharsets.UTF_8);

        Process p = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1000,1400",
                svg.toUri().toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done;
        try {
            done = p.waitFor(60, TimeUnit.SECONDS);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(done).as("chromium finished within 60 s; output:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("chromium exit code; output:%n%s", output).isZero();
        assertThat(png).as(output).exists();
        assertThat(Files.size(png)).as("screenshot size").isGreaterThan(5 * 1024);
        byte[] magic = new byte[8];
        System.arraycopy(Files.readAllBytes(png), 0, magic, 0, 8);
        assertThat(magic).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        keepForHumans(png);

        // what was drawn is the plot, not an error page: the data line's blue and the trigger's red are there
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(pixelsNear(image, 0x1f5fa8)).as("data line pixels").isGreaterThan(2000);
        assertThat(pixelsNear(image, 0xc0392b)).as("trigger line and FAIL pixels").isGreaterThan(100);
    }

    private static int pixelsNear(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) + Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff))
                        + Math.abs((p & 0xff) - (rgb & 0xff));
                if (d < 60) count++;
            }
        }
        return count;
    }

    private static void keepForHumans(Path png) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "report-screenshots"));
            Files.copy(png, dir.resolve("check-plot.png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // only a convenience
        }
    }
}
