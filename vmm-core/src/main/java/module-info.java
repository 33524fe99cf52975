/**
 * kvmclock-probe's VMM: the safe KVM layer, x86 boot, clock instruments, triggers,
 * reports and the command line. Only this module needs native access.
 */
module kvmclockprobe.core {
    requires kvmclockprobe.bindings;
    requires kvmclockprobe.guest;
    requires org.slf4j;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;

    exports kvmclockprobe.kvm;
    exports kvmclockprobe.x86;

    opens kvmclockprobe.cli to info.picocli;
    // check --trace writes and the tests read back the recorded traces: records of these packages
    opens kvmclockprobe.measurement to com.fasterxml.jackson.databind;
    opens kvmclockprobe.clock to com.fasterxml.jackson.databind;
    opens kvmclockprobe.sampler to com.fasterxml.jackson.databind;
    opens kvmclockprobe.xen to com.fasterxml.jackson.databind;
    opens kvmclockprobe.restore to com.fasterxml.jackson.databind;
    opens kvmclockprobe.kvm to com.fasterxml.jackson.databind;
    opens kvmclockprobe.sys to com.fasterxml.jackson.databind;
}
