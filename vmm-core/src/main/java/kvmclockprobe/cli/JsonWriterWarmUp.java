package kvmclockprobe.cli;

import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON writer, made (and its classes loaded) in the background while the run measures, so
 * that writing the results is quick even when a signal asks for it (seconds in the lab's TCG).
 */
final class JsonWriterWarmUp {
    private JsonWriterWarmUp() {}

    static CompletableFuture<ObjectMapper> start() {
        return CompletableFuture.supplyAsync(() -> {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            try {
                m.writeValueAsString(m.createObjectNode().put("warm", 1).putNull("up"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return m;
        });
    }
}
