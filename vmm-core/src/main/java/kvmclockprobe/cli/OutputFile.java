package kvmclockprobe.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Output files are checked before any measuring starts: a bad path is exit 2 with one line. */
final class OutputFile {
    private OutputFile() {}

    /** Throws a usage error unless {@code path} (when given) can be written: not a directory, in a writable directory. */
    static void requireWritable(CommandSpec spec, String option, Path path) {
        if (path == null) return;
        Path absolute = path.toAbsolutePath();
        Path dir = absolute.getParent();
        String why = null;
        if (Files.isDirectory(absolute)) why = "is a directory";
        else if (dir == null || !Files.isDirectory(dir)) why = "its directory " + dir + " does not exist";
        else if (!Files.isWritable(dir)) why = "its directory " + dir + " is not writable";
        else if (Files.exists(absolute) && !Files.isWritable(absolute)) why = "exists and is not writable";
        if (why != null) throw new ParameterException(spec.commandLine(), option + " " + path + ": " + why);
    }

    /** Throws a usage error unless the directory {@code path} (when given) exists or can be made, and is writable. */
    static void requireWritableDirectory(CommandSpec spec, String option, Path path) {
        if (path == null) return;
        try {
            Files.createDirectories(path);
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), option + " " + path + ": cannot create the directory (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(path)) throw new ParameterException(spec.commandLine(), option + " " + path + ": not writable");
    }
}
