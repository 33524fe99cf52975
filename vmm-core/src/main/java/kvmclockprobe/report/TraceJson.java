package kvmclockprobe.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import kvmclockprobe.measurement.Trace;
import kvmclockprobe.restore.RestoreTrace;

/**
 * A {@link Trace} or a {@link RestoreTrace} as JSON ({@code check --trace DIR}, {@code restore
 * --trace DIR}: one file per trigger or recipe), and back: the
 * records' components as they are, so that a trace recorded in the lab is derived and judged
 * again by the tests with no KVM.
 */
public final class TraceJson {
    private TraceJson() {}

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static String toJson(Record t) throws IOException {
        return MAPPER.writeValueAsString(t);
    }

    public static Trace fromJson(String json) throws IOException {
        return fromJson(json, Trace.class);
    }

    /** A {@link Trace} or a {@link RestoreTrace} from its JSON. */
    public static <T extends Record> T fromJson(String json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    /** Writes {@code dir/NAME.trace.json}: a check {@link Trace} or a {@link RestoreTrace}. */
    public static Path write(Path dir, String name, Record t) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".trace.json");
        Files.writeString(file, toJson(t) + "\n");
        return file;
    }

    /** Reads a trace; one another version of the probe wrote, with keys this one does not know, is refused naming the file. */
    public static Trace read(Path file) throws IOException {
        return read(file, Trace.class);
    }

    public static RestoreTrace readRestore(Path file) throws IOException {
        return read(file, RestoreTrace.class);
    }

    private static <T extends Record> T read(Path file, Class<T> type) throws IOException {
        try {
            return fromJson(Files.readString(file), type);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new IOException(file + ": not a trace this version of the probe reads (" + e.getOriginalMessage() + ")", e);
        }
    }
}
