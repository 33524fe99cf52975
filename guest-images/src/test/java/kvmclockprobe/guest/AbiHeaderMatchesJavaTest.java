package kvmclockprobe.guest;

import kvmclockprobe.testing.tools.RequiredTools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GuestAbi must mirror abi.h: every constant, and the C struct layouts. */
class AbiHeaderMatchesJavaTest {

    private static final Set<String> NOT_CONSTANTS = Set.of(
            "KVMCLOCKPROBE_ABI_H", "ABI_CHECK", "CONTROL_PTR", "VCPU_BLOCK_PTR", "PVCLOCK_PTR");

    @Test
    void headerConstantsAndStructOffsetsMatchGuestAbi(@TempDir Path tmp) throws Exception {
        RequiredTools.assumeTool(Tools.find("gcc").isPresent(), "cannot check abi.h: gcc is not on PATH");

        Path source = tmp.resolve("abi_dump.c");
        try (InputStream in = getClass().getResourceAsStream("/kvmclockprobe/guest/abi_dump.c")) {
            assertThat(in).as("test resource abi_dump.c").isNotNull();
            Files.write(source, in.readAllBytes());
        }
        Path exe = tmp.resolve("abi_dump");
        Tools.Result cc = Tools.run(tmp, List.of("gcc", "-std=gnu11", "-Wall", "-Werror",
                "-I" + Tools.guestSourceDir(), "-o", exe.toString(), source.toString()));
        assertThat(cc.exitCode()).as("compiling abi_dump.c against abi.h failed:%n%s", cc.output()).isZero();
        Tools.Result run = Tools.run(tmp, List.of(exe.toString()));
        assertThat(run.exitCode()).as("abi_dump failed:%n%s", run.output()).isZero();

        Map<String, Long> constants = new LinkedHashMap<>();
        Map<String, Long> layout = new LinkedHashMap<>();
        for (String line : run.output().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            assertThat(parts).as("abi_dump line '%s'", line).hasSize(2);
            long value = Long.parseLong(parts[1]);
            if (parts[0].contains(":")) {
                layout.put(parts[0], value);
            } else {
                constants.put(parts[0], value);
            }
        }

        Map<String, Long> java = javaConstants();

        // every constant in abi.h is printed by abi_dump.c (so none can be forgotten)
        assertThat(constants.keySet()).as("constants printed by abi_dump.c vs #defines in abi.h")
                .containsExactlyInAnyOrderElementsOf(headerDefines());
        // and the same set of names, with the same values, is in GuestAbi
        assertThat(java.keySet()).as("GuestAbi fields vs abi.h constants")
                .containsExactlyInAnyOrderElementsOf(constants.keySet());
        constants.forEach((name, value) ->
                assertThat(java.get(name)).as("GuestAbi.%s vs abi.h", name).isEqualTo(value));

        // struct layouts from offsetof/sizeof of the C structs
        assertThat(layout).isNotEmpty();
        layout.forEach((key, value) -> {
            String name = key.substring(key.indexOf(':') + 1);
            assertThat(java).as("GuestAbi has no constant for %s", key).containsKey(name);
            assertThat(java.get(name)).as("GuestAbi.%s vs C %s", name, key).isEqualTo(value);
        });
    }

    private static Set<String> headerDefines() throws Exception {
        String header = Files.readString(Tools.guestSourceDir().resolve("abi.h"));
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#define[ \\t]+([A-Za-z_][A-Za-z0-9_]*)").matcher(header);
        while (m.find()) {
            if (!NOT_CONSTANTS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static Map<String, Long> javaConstants() throws IllegalAccessException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Field f : GuestAbi.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isPublic(mod) || !Modifier.isStatic(mod) || !Modifier.isFinal(mod)) {
                continue;
            }
            if (f.getType() == long.class) {
                out.put(f.getName(), f.getLong(null));
            } else if (f.getType() == int.class) {
                out.put(f.getName(), (long) f.getInt(null));
            } else {
                throw new AssertionError("GuestAbi." + f.getName() + " is neither int nor long");
            }
        }
        return out;
    }
}
