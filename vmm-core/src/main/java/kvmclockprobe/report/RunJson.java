package kvmclockprobe.report;

import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kvmclockprobe.verdict.Result;
import kvmclockprobe.verdict.Run;
import kvmclockprobe.verdict.Status;

/**
 * The part of the {@code --json} document that {@code check} and {@code restore} share, after
 * their host and settings keys: {@code incomplete}, {@code planned}, {@code results} (each
 * command's own keys), {@code summary} (a count per status) and {@code exit_code}.
 */
final class RunJson {
    private RunJson() {}

    /** Adds the shared keys to {@code o}; {@code result} gives result i's object. */
    static <R extends Result> ObjectNode results(ObjectNode o, Run<R> r, IntFunction<ObjectNode> result) {
        o.put("incomplete", r.interrupted());
        o.put("planned", r.planned());
        ArrayNode results = o.putArray("results");
        for (int i = 0; i < r.results().size(); i++) results.add(result.apply(i));
        ObjectNode summary = o.putObject("summary");
        for (Status s : Status.values()) summary.put(s.label(), r.count(s));
        o.put("exit_code", r.exitCode());
        return o;
    }
}
