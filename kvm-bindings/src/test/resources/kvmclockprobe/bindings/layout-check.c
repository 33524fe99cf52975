/*
 * Hand-written, independent of bindings.spec and of the Java emitter: prints the C
 * compiler's view of struct sizes, a sample of offsets and ioctl numbers, which
 * LayoutsMatchCompilerTest compares with the generated classes.
 * Output: one "key=value" per line, values in decimal.
 */
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <time.h>
#include <linux/kvm.h>
#include <xen/xen.h>
#include "kernel-internal.h"

#define SIZE(tag) printf("sizeof.%s=%zu\n", #tag, sizeof(struct tag))
#define OFF(tag, member) printf("%s.%s=%zu\n", #tag, #member, offsetof(struct tag, member))
#define IOCTL(name) printf("ioctl.%s=%llu\n", #name, (unsigned long long)(name))

int main(void) {
    SIZE(kvm_run);
    SIZE(kvm_regs);
    SIZE(kvm_sregs);
    SIZE(kvm_segment);
    SIZE(kvm_dtable);
    SIZE(kvm_msrs);
    SIZE(kvm_msr_entry);
    SIZE(kvm_msr_list);
    SIZE(kvm_cpuid2);
    SIZE(kvm_cpuid_entry2);
    SIZE(kvm_userspace_memory_region);
    SIZE(kvm_clock_data);
    SIZE(kvm_device_attr);
    SIZE(kvm_xen_hvm_config);
    SIZE(kvm_xen_hvm_attr);
    SIZE(kvm_xen_vcpu_attr);
    SIZE(kvm_signal_mask);
    SIZE(kvm_enable_cap);
    SIZE(pvclock_vcpu_time_info);
    SIZE(pvclock_wall_clock);
    SIZE(vcpu_time_info);
    SIZE(vcpu_info);
    SIZE(shared_info);
    SIZE(timespec);

    OFF(kvm_run, immediate_exit);
    OFF(kvm_run, exit_reason);
    OFF(kvm_run, if_flag);
    OFF(kvm_run, cr8);
    OFF(kvm_run, apic_base);
    OFF(kvm_run, io.direction);
    OFF(kvm_run, io.port);
    OFF(kvm_run, io.count);
    OFF(kvm_run, io.data_offset);
    OFF(kvm_run, mmio.phys_addr);
    OFF(kvm_run, mmio.data);
    OFF(kvm_run, mmio.is_write);
    OFF(kvm_run, internal.suberror);
    OFF(kvm_run, internal.data);
    OFF(kvm_run, system_event.type);
    OFF(kvm_run, system_event.data);
    OFF(kvm_run, msr.index);
    OFF(kvm_run, msr.data);
    OFF(kvm_run, kvm_valid_regs);
    OFF(kvm_run, s);
    OFF(kvm_regs, rip);
    OFF(kvm_regs, rflags);
    OFF(kvm_sregs, ss);
    OFF(kvm_sregs, gdt);
    OFF(kvm_sregs, cr3);
    OFF(kvm_sregs, efer);
    OFF(kvm_sregs, interrupt_bitmap);
    OFF(kvm_segment, selector);
    OFF(kvm_segment, unusable);
    OFF(kvm_clock_data, flags);
    OFF(kvm_clock_data, realtime);
    OFF(kvm_clock_data, host_tsc);
    OFF(kvm_xen_hvm_attr, u);
    OFF(kvm_xen_hvm_attr, u.shared_info.gfn);
    OFF(kvm_xen_vcpu_attr, u.gpa);
    OFF(kvm_xen_hvm_config, blob_size_64);
    OFF(kvm_msrs, entries);
    OFF(kvm_msr_entry, data);
    OFF(kvm_cpuid2, entries);
    OFF(kvm_cpuid_entry2, eax);
    OFF(kvm_cpuid_entry2, padding);
    OFF(kvm_userspace_memory_region, userspace_addr);
    OFF(kvm_enable_cap, pad);
    OFF(pvclock_vcpu_time_info, system_time);
    OFF(pvclock_vcpu_time_info, tsc_to_system_mul);
    OFF(pvclock_vcpu_time_info, tsc_shift);
    OFF(pvclock_vcpu_time_info, flags);
    OFF(pvclock_wall_clock, nsec);
    OFF(vcpu_time_info, tsc_shift);
    OFF(vcpu_info, evtchn_pending_sel);
    OFF(vcpu_info, time);
    OFF(shared_info, evtchn_pending);
    OFF(shared_info, evtchn_mask);
    OFF(shared_info, wc_version);
    OFF(shared_info, wc_sec);
    OFF(shared_info, wc_nsec);
    OFF(shared_info, wc_sec_hi);
    OFF(shared_info, arch);
    OFF(timespec, tv_nsec);

    IOCTL(KVM_RUN);
    IOCTL(KVM_GET_CLOCK);
    IOCTL(KVM_SET_CLOCK);
    IOCTL(KVM_XEN_HVM_SET_ATTR);
    IOCTL(KVM_XEN_VCPU_SET_ATTR);
    IOCTL(KVM_SET_MSRS);
    IOCTL(KVM_GET_SREGS);
    IOCTL(KVM_SET_USER_MEMORY_REGION);
    return 0;
}
