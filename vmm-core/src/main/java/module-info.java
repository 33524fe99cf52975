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
}
