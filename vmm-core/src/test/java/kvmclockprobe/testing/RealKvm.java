package kvmclockprobe.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.KvmUnavailableException;

/**
 * The one place the tests decide whether the real KVM is usable and open it: the extension
 * behind {@link RequiresKvm}.
 *
 * <p>The device is {@link Kvm#DEFAULT_PATH}, the command line's default too, so
 * {@code KVMCLOCK_KVM_DEVICE=/nonexistent} hides KVM from the suite and from the CLI runs in it
 * alike. Where it is unusable, each {@code @RequiresKvm} test is aborted (reported skipped) with
 * the reason; with {@code KVMCLOCK_REQUIRE_KVM=1} it fails with that reason instead, so a KVM
 * host can show that nothing was skipped for lack of KVM.
 */
public final class RealKvm implements BeforeEachCallback, ParameterResolver {
    /** Set to {@code 1}: a test that cannot have KVM fails instead of skipping. */
    public static final String REQUIRE_ENV = "KVMCLOCK_REQUIRE_KVM";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealKvm.class);

    /** Why the KVM device cannot be used here; empty when it can. Found once per test JVM. */
    private static volatile Optional<String> unusable;

    /** Why the KVM device cannot be used by this process, or empty when it can (it was opened). */
    public static Optional<String> unusableReason() {
        Optional<String> reason = unusable;
        if (reason == null) {
            synchronized (RealKvm.class) {
                if (unusable == null) unusable = probe(Kvm.DEFAULT_PATH, System.getenv(Kvm.DEVICE_ENV));
                reason = unusable;
            }
        }
        return reason;
    }

    /** Whether the environment asks that every "no KVM" skip be a failure ({@code KVMCLOCK_REQUIRE_KVM=1}). */
    public static boolean required() {
        String value = System.getenv(REQUIRE_ENV);
        return value != null && !value.isBlank() && !value.strip().equals("0");
    }

    static Optional<String> probe(Path device, String override) {
        boolean overridden = override != null && !override.isEmpty();
        if (!Files.exists(device)) {
            return Optional.of(overridden
                    ? Kvm.DEVICE_ENV + "=" + override + " hides the KVM device: " + device + " does not exist"
                    : "this host has no " + device);
        }
        if (!Files.isReadable(device) || !Files.isWritable(device)) {
            return Optional.of(device + " is not readable and writable by this user");
        }
        try {
            Kvm.open(device).close();
            return Optional.empty();
        } catch (KvmUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * For the tests of the no-KVM path that need the default device to be unusable (on a KVM host,
     * run them with {@code KVMCLOCK_KVM_DEVICE=/nonexistent}): skips where KVM is usable, which is
     * not a skip for lack of KVM, so {@code KVMCLOCK_REQUIRE_KVM} does not touch it.
     */
    public static String assumeUnusable() {
        Optional<String> reason = unusableReason();
        Assumptions.assumeTrue(reason.isPresent(), () -> Kvm.DEFAULT_PATH + " is a usable KVM device here; "
                + Kvm.DEVICE_ENV + "=/nonexistent runs this test");
        return reason.orElseThrow();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        unusableReason().ifPresent(reason -> {
            if (required()) Assertions.fail(reason + " (" + REQUIRE_ENV + "=1: a test that needs KVM must not skip)");
            System.out.println("skipped " + testName(context) + ": " + reason);
            Assumptions.abort(reason);
        });
    }

    private static String testName(ExtensionContext context) {
        String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        boolean invocation = context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
        return invocation ? name + " " + context.getDisplayName() : name;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Kvm.class;
    }

    /** The test class's KVM handle: opened for the first test that asks, closed (AutoCloseable) after the class. */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().orElseThrow();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(Kvm.class, type -> Kvm.open(), Kvm.class);
    }
}
