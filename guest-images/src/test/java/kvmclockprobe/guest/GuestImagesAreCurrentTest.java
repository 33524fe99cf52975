package kvmclockprobe.guest;

import kvmclockprobe.testing.tools.RequiredTools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed guest binaries must be exactly what the committed sources build to. */
class GuestImagesAreCurrentTest {

    @Test
    void committedImagesMatchAFreshBuild(@TempDir Path tmp) throws Exception {
        Optional<String> missing = Tools.firstMissing("gcc", "as", "ld", "objcopy", "make");
        RequiredTools.assumeTool(missing.isEmpty(), "cannot rebuild guest images: " + missing.orElse("") + " is not on PATH");

        Path out = tmp.resolve("out");
        Path obj = tmp.resolve("obj");
        Tools.Result r = Tools.run(Tools.moduleDir(), List.of(
                "make", "-s", "-C", Tools.guestSourceDir().toString(), "OUT=" + out, "OBJDIR=" + obj));
        assertThat(r.exitCode()).as("make of the guest images failed:%n%s", r.output()).isZero();

        for (GuestImage image : GuestImage.values()) {
            String file = image.resourceName().substring(image.resourceName().lastIndexOf('/') + 1);
            Path built = out.resolve(file);
            assertThat(built).as("make did not produce %s", file).isRegularFile();
            assertThat(Files.readAllBytes(built))
                    .as("guest image %s (%s) is stale: the committed resource differs from a fresh build of "
                            + "guest-images/src/guest; run guest-images/rebuild and commit the result",
                            image, image.resourceName())
                    .isEqualTo(image.bytes());
        }
    }
}
