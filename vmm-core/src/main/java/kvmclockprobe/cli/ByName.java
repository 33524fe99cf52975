package kvmclockprobe.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** What a repeatable {@code --trigger NAME} / {@code --recipe NAME} selects. */
final class ByName {
    private ByName() {}

    /**
     * Everything when nothing was asked for; else each name asked for, once, in the order asked,
     * or a usage error (exit 2) naming the unknown one and the valid {@code kind}s.
     */
    static <T> List<T> select(CommandSpec spec, String kind, List<String> asked, List<T> all, List<String> names,
                              Function<String, Optional<T>> lookup) {
        if (asked.isEmpty()) return all;
        List<T> selected = new ArrayList<>();
        for (String name : new LinkedHashSet<>(asked)) {
            selected.add(lookup.apply(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "unknown " + kind + " '" + name + "'; valid " + kind + "s: " + String.join(", ", names))));
        }
        return selected;
    }
}
