package kvmclockprobe.bindings.gen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the compiler-backed tests need: a C compiler and the Linux and Xen headers. */
public final class Toolchain {

    private Toolchain() {}

    /** The module directory (surefire runs tests there). */
    public static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("src/gen")) ? here : here.resolve("kvm-bindings");
    }

    public static Path spec() {
        return moduleDir().resolve("src/gen/bindings.spec");
    }

    /** Empty when everything is there, else a description of what is missing. */
    public static String missing() {
        List<String> missing = new ArrayList<>();
        if (!compilerWorks()) {
            missing.add("a C compiler (`" + BindingsGenerator.compiler() + "`)");
        }
        for (String h : List.of("/usr/include/linux/kvm.h", "/usr/include/xen/xen.h")) {
            if (!Files.isRegularFile(Path.of(h))) {
                missing.add(h + (h.contains("xen") ? " (apt-get install libxen-dev)" : " (linux-libc-dev)"));
            }
        }
        return String.join(", ", missing);
    }

    private static boolean compilerWorks() {
        try {
            Process p = new ProcessBuilder(BindingsGenerator.compiler(), "--version")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
