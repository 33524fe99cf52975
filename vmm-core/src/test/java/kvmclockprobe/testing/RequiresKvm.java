package kvmclockprobe.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * This test needs the real KVM device ({@link kvmclockprobe.kvm.Kvm#DEFAULT_PATH}: {@code /dev/kvm}
 * unless {@code KVMCLOCK_KVM_DEVICE} names another).
 *
 * <p>Decided before each test method (on a class: before each of its methods, one by one), so
 * every such test is reported on its own: skipped with the reason where the device is missing,
 * not readable and writable, or not KVM; a failure with that reason instead when the
 * environment has {@code KVMCLOCK_REQUIRE_KVM=1}. A test method may take a {@link
 * kvmclockprobe.kvm.Kvm} parameter: one handle per test class, opened by the first test that
 * asks and closed after the class. See {@link RealKvm}. Tagged {@code kvm}: {@code scripts/test
 * --lab} runs exactly these inside the lab.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@ExtendWith(RealKvm.class)
@Tag("kvm")
public @interface RequiresKvm {}
