package kvmclockprobe.cli;

import kvmclockprobe.verdict.ExitRule;
import java.io.PrintWriter;

import kvmclockprobe.kvm.KvmUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kvmclock-probe}: catch the KVM clock jumping. */
@Command(name = "kvmclock-probe", mixinStandardHelpOptions = true, version = "kvmclock-probe 0.1.0",
        description = "A small KVM VMM that measures the KVM clock and catches it jumping.",
        subcommands = {CheckCommand.class, RestoreCommand.class, CapsCommand.class, DriftCommand.class, BenchCommand.class},
        exitCodeOnInvalidInput = ExitRule.USAGE)
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(Main::exitCodeFor);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("kvmclock-probe: " + oneLine(e));
            cmd.getErr().flush();
            return exitCodeFor(e);
        });
        return cl.execute(args);
    }

    static int exitCodeFor(Throwable e) {
        if (e instanceof CommandLine.ParameterException) return ExitRule.USAGE;
        if (e instanceof KvmUnavailableException) return ExitRule.SKIP;
        return ExitRule.ERROR;
    }

    static String oneLine(Throwable e) {
        if (e instanceof KvmUnavailableException) {
            return e.getMessage() + " (kvmclock-probe needs Linux with KVM and read/write access to the device)";
        }
        String msg = e.getMessage();
        return msg == null ? e.getClass().getSimpleName() : msg;
    }
}
