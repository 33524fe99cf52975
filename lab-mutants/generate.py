#!/usr/bin/env python3
"""lab-mutants/generate.py SRC [--series 7.3]: writes the lab-mutants patches from one table.

SRC is a tree holding arch/x86/kvm of Debian's linux-source-6.12 (6.12.117) with the seed fix
(patches/0001-...) applied, the base every mutant is cut against. Each mutant is one textual
replacement (it must match exactly once), and its patch is `diff -u` of that file, with a
header naming the function, what the bug does, and what a correct probe must report.
The harness (scripts/lab/mutants) reads the header's `Killer:` and `Expect:` lines.

With --series 7.3, SRC is Debian's linux-source-7.3 (7.3.4, which has the seed fix). The
mutants whose text moved (SERIES["7.3"]: 7.3 builds the pvclock in a local hv_clock and moved
the MSR handling to msrs.c) are written to lab-mutants/7.3/, with the same name, bug and
killer; for every other mutant the 6.12 text must occur exactly once in 7.3 too, so that its
6.12 patch applies there as it is. scripts/lab/mutants takes lab-mutants/SERIES/NN-NAME.patch
in place of lab-mutants/NN-NAME.patch where one exists.
"""
import difflib, os, sys

MUTANTS = [
 ("xen-shinfo-masterclock", "xen.c", "kvm_xen_shared_info_init",
  "\twc->version = wc_version + 1;\n\tread_unlock_irq(&gpc->lock);\n\n",
  "\twc->version = wc_version + 1;\n\tread_unlock_irq(&gpc->lock);\n\n\tkvm_make_all_cpus_request(kvm, KVM_REQ_MASTERCLOCK_UPDATE);\n\n",
  "a master-clock update requested where none belongs: mapping the Xen shared_info page "
  "re-snapshots the master clock on every vCPU, so the guest clock jumps by the drift since the "
  "last snapshot (the seed bug itself, upstream 633d7652f80f's revert)",
  "check xen-shared-info", "fail"),
 ("xen-vcpu-info-masterclock", "xen.c", "kvm_xen_vcpu_set_attr (KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO)",
  "\t\tif (!r)\n\t\t\tkvm_make_request(KVM_REQ_CLOCK_UPDATE, vcpu);\n\n\t\tbreak;\n",
  "\t\tif (!r)\n\t\t\tkvm_make_request(KVM_REQ_MASTERCLOCK_UPDATE, vcpu);\n\n\t\tbreak;\n",
  "a master-clock update where only a clock update belongs: setting a vCPU's vcpu_info "
  "re-snapshots the master clock instead of just rewriting that vCPU's pvclock",
  "check xen-vcpu-info", "fail"),
 ("kvmclock-ctrl-masterclock", "x86.c", "kvm_set_guest_paused (KVM_KVMCLOCK_CTRL)",
  "\tvcpu->arch.pvclock_set_guest_stopped_request = true;\n\tkvm_make_request(KVM_REQ_CLOCK_UPDATE, vcpu);\n",
  "\tvcpu->arch.pvclock_set_guest_stopped_request = true;\n\tkvm_make_request(KVM_REQ_MASTERCLOCK_UPDATE, vcpu);\n",
  "a master-clock update where only a clock update belongs: KVM_KVMCLOCK_CTRL re-snapshots "
  "the master clock (a jump at every VMM resume) instead of only flagging PVCLOCK_GUEST_STOPPED",
  "check kvmclock-ctrl", "fail"),
 ("track-tsc-matching-hotplug", "x86.c", "kvm_track_tsc_matching",
  "\tif ((ka->use_master_clock && new_generation) ||\n\t    (ka->use_master_clock != use_master_clock))\n",
  "\tif (ka->use_master_clock || use_master_clock)\n",
  "the condition before c52ffadc65e2 (Linux 6.8): a master-clock update on every TSC "
  "synchronisation while the master clock is on, so creating (hotplugging) a vCPU that matches "
  "the current TSC generation re-snapshots the master clock",
  "check vcpu-hotplug", "fail"),
 ("gtod-copy-old-kvmclock-inverted", "x86.c", "pvclock_update_vm_gtod_copy",
  "\t\t\t\t&& !ka->boot_vcpu_runs_old_kvmclock;\n",
  "\t\t\t\t&& ka->boot_vcpu_runs_old_kvmclock;\n",
  "a condition inverted: the master clock is used only while vCPU 0 runs the old kvmclock MSR "
  "(0x12), so a guest on MSR_KVM_SYSTEM_TIME_NEW never gets master-clock mode",
  "check master-clock", "fail"),
 ("pvclock-scale-mhz", "x86.c", "kvm_guest_time_update",
  "\t\tkvm_get_time_scale(NSEC_PER_SEC, tgt_tsc_khz * 1000LL,\n\t\t\t\t   &vcpu->hv_clock.tsc_shift,\n",
  "\t\tkvm_get_time_scale(NSEC_PER_SEC, (tgt_tsc_khz / 1000) * 1000000LL,\n\t\t\t\t   &vcpu->hv_clock.tsc_shift,\n",
  "a rounding changed in the pvclock scale: the guest's tsc_to_system_mul is computed from the "
  "TSC rate rounded down to whole MHz (2596.125 MHz -> 2596 MHz here: the pvclock runs ~48 ppm "
  "fast against CLOCK_MONOTONIC_RAW, and against KVM_GET_CLOCK, which scales by the kHz)",
  "check kvmclock-rate", "fail"),
 ("set-clock-base-ns", "x86.c", "kvm_vm_ioctl_set_clock",
  "\tif (ka->use_master_clock)\n\t\tnow_raw_ns = ka->master_kernel_ns;\n\telse\n\t\tnow_raw_ns = get_kvmclock_base_ns();\n",
  "\tnow_raw_ns = get_kvmclock_base_ns();\n",
  "an offset off by a little: KVM_SET_CLOCK computes kvmclock_offset against the raw clock "
  "read now, not against the master clock's reference point just taken, so the set clock is "
  "behind by the time between the snapshot and that read (a few us)",
  "check set-clock", "fail"),
 ("set-clock-realtime-ignored", "x86.c", "kvm_vm_ioctl_set_clock",
  "\t\tif (now_real_ns > data.realtime)\n\t\t\tdata.clock += now_real_ns - data.realtime;\n",
  "\t\tif (now_real_ns < data.realtime)\n\t\t\tdata.clock += now_real_ns - data.realtime;\n",
  "a KVM_CLOCK_REALTIME mishandled: the 'never step backwards' condition inverted, so the "
  "realtime elapsed since KVM_GET_CLOCK is never added and the clock is set as of the GET",
  "check set-clock-realtime; restore firecracker-snapshot-clock-realtime, cloud-hypervisor-restore", "fail"),
 ("get-clock-realtime-dropped", "x86.c", "__get_kvmclock (KVM_GET_CLOCK)",
  "\t\t\tdata->flags |= KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC;\n",
  "\t\t\tdata->flags |= KVM_CLOCK_HOST_TSC;\n",
  "a flag dropped: KVM_GET_CLOCK fills in realtime but no longer says so (KVM_CLOCK_REALTIME "
  "missing), so a VMM cannot carry real time across a migration though the host's clocksource "
  "is tsc and the master clock is on",
  "check set-clock-realtime (a KVM on a tsc clocksource with the master clock on must give the realtime)", "fail"),
 ("wall-clock-epoch-no-offset", "x86.c", "kvm_get_wall_clock_epoch",
  "\t\thv_clock.system_time = ka->master_kernel_ns + ka->kvmclock_offset;\n\n\t} while",
  "\t\thv_clock.system_time = ka->master_kernel_ns;\n\n\t} while",
  "a wallclock written wrongly: the epoch is computed from the host's raw clock without the "
  "VM's kvmclock_offset, so the Xen shared_info (and MSR_KVM_WALL_CLOCK) wallclock is early by "
  "the host's uptime at VM creation",
  "check xen-shared-info (the wallclock out of xen_shinfo_test's range)", "fail"),
 ("guest-stopped-dropped", "x86.c", "kvm_setup_guest_pvclock",
  "\tif (vcpu->pvclock_set_guest_stopped_request) {\n\t\tvcpu->hv_clock.flags |= PVCLOCK_GUEST_STOPPED;\n",
  "\tif (vcpu->pvclock_set_guest_stopped_request) {\n",
  "a flag dropped: KVM_KVMCLOCK_CTRL's request is consumed but PVCLOCK_GUEST_STOPPED never "
  "reaches the guest (its soft-lockup watchdog fires after a long pause)",
  "check kvmclock-ctrl (guest_stopped_seen false); restore qemu-stop-cont, qemu-migrate, firecracker-snapshot", "fail"),
 ("tsc-stable-bit-dropped", "x86.c", "kvm_guest_time_update",
  "\tif (use_master_clock)\n\t\tpvclock_flags |= PVCLOCK_TSC_STABLE_BIT;\n",
  "",
  "a flag dropped: PVCLOCK_TSC_STABLE_BIT is never set in the guest's pvclock though KVM uses "
  "its master clock, so guests keep their cross-vCPU monotonicity fix-up (and no vDSO kvmclock)",
  "check master-clock (the guest's pvclock lacks PVCLOCK_TSC_STABLE_BIT in master-clock mode); restore qemu-stop-cont, "
  "qemu-migrate, firecracker-snapshot (every recipe that keeps the master clock)", "fail"),
 ("tsc-offset-not-every-vcpu", "x86.c", "kvm_synchronize_tsc",
  "\t\tif (!kvm_check_tsc_unstable()) {\n\t\t\toffset = kvm->arch.cur_tsc_offset;\n\t\t} else {\n",
  "\t\tif (!kvm_check_tsc_unstable()) {\n\t\t\t/* offset as computed for this vCPU's own write */\n\t\t} else {\n",
  "a TSC offset not written to every vCPU: a synchronising write (vCPU creation, or a host "
  "MSR_IA32_TSC write within 1 s of the expected value) counts as matched but keeps its own "
  "offset instead of the generation's, so the vCPUs' TSCs differ by the time between their "
  "writes while KVM keeps the master clock on",
  "check master-clock with --vcpus 2 (vCPU TSC offsets differ under a master clock)", "fail"),
 ("hyperv-ref-tsc-no-masterclock", "hyperv.c", "kvm_hv_set_msr_pw (HV_X64_MSR_REFERENCE_TSC)",
  "\t\t\t\thv->hv_tsc_page_status = HV_TSC_PAGE_HOST_CHANGED;\n\t\t\tkvm_make_request(KVM_REQ_MASTERCLOCK_UPDATE, vcpu);\n",
  "\t\t\t\thv->hv_tsc_page_status = HV_TSC_PAGE_HOST_CHANGED;\n\t\t\tkvm_make_request(KVM_REQ_CLOCK_UPDATE, vcpu);\n",
  "a master-clock update downgraded to a clock update: enabling the Hyper-V reference TSC page "
  "no longer re-snapshots the master clock, so the page is filled from a stale reference",
  "check hyperv-ref-tsc (no re-snapshot where one is required)", "fail"),
 ("msr-switch-condition-inverted", "x86.c", "kvm_write_system_time",
  "\t\tif (ka->boot_vcpu_runs_old_kvmclock != old_msr)\n",
  "\t\tif (ka->boot_vcpu_runs_old_kvmclock == old_msr)\n",
  "a condition inverted: vCPU 0 switching between the old and new kvmclock MSRs no longer "
  "re-snapshots the master clock (and rewriting the same MSR does)",
  "check kvmclock-msr-switch (no re-snapshot where one is required)", "fail"),
]

# Per series, the mutants whose text differs from 6.12's: name -> (file, function, old, new).
SERIES = {
 "7.3": {
  "pvclock-scale-mhz": ("x86.c", "kvm_guest_time_update",
   "\t\tkvm_get_time_scale(NSEC_PER_SEC, tgt_tsc_khz * 1000LL,\n\t\t\t\t   &vcpu->pvclock_tsc_shift,\n",
   "\t\tkvm_get_time_scale(NSEC_PER_SEC, (tgt_tsc_khz / 1000) * 1000000LL,\n\t\t\t\t   &vcpu->pvclock_tsc_shift,\n"),
  "guest-stopped-dropped": ("x86.c", "kvm_guest_time_update",
   "\t\tif (vcpu->pvclock_set_guest_stopped_request) {\n\t\t\thv_clock.flags |= PVCLOCK_GUEST_STOPPED;\n",
   "\t\tif (vcpu->pvclock_set_guest_stopped_request) {\n"),
  "tsc-stable-bit-dropped": ("x86.c", "kvm_guest_time_update",
   "\thv_clock.flags = 0;\n\tif (use_master_clock)\n\t\thv_clock.flags |= PVCLOCK_TSC_STABLE_BIT;\n",
   "\thv_clock.flags = 0;\n"),
  "msr-switch-condition-inverted": ("msrs.c", "kvm_write_system_time",
   "\t\tif (ka->boot_vcpu_runs_old_kvmclock != old_msr)\n",
   "\t\tif (ka->boot_vcpu_runs_old_kvmclock == old_msr)\n"),
 },
}
BASES = {
 None: "Debian linux-source-6.12 (6.12.117) with patches/0001 (the seed fix)",
 "7.3": "Debian linux-source-7.3 (7.3.4, the seed fix upstream)",
}

def mutate(src, name, f, old, new):
    text = open(os.path.join(src, f)).read()
    n = text.count(old)
    if n != 1:
        sys.exit(f"{name}: the text to replace occurs {n} times in {f}")
    mutated = text.replace(old, new)
    return difflib.unified_diff(text.splitlines(True), mutated.splitlines(True),
                                f"a/arch/x86/kvm/{f}", f"b/arch/x86/kvm/{f}", n=3)

def main():
    args = sys.argv[1:]
    series = None
    if len(args) == 3 and args[1] == "--series" and args[2] in SERIES:
        series = args[2]
    elif len(args) != 1:
        sys.exit("usage: lab-mutants/generate.py SRC [--series " + "|".join(SERIES) + "]")
    src = os.path.join(args[0], "arch/x86/kvm")
    out = os.path.dirname(os.path.abspath(__file__))
    overrides = SERIES.get(series, {})
    if series:
        out = os.path.join(out, series)
        os.makedirs(out, exist_ok=True)
    for i, (name, f, func, old, new, what, killer, status) in enumerate(MUTANTS, 1):
        if series and name not in overrides:
            mutate(src, name, f, old, new)  # the 6.12 patch must apply as it is
            continue
        f, func, old, new = overrides.get(name, (f, func, old, new))
        diff = mutate(src, name, f, old, new)
        header = (f"Mutant: {name}\nFile: arch/x86/kvm/{f}\nFunction: {func}\n"
                  f"Bug: {what}\nKiller: {killer}\nExpect: {status}\n"
                  f"Base: {BASES[series]}\n\n")
        path = os.path.join(out, f"{i:02d}-{name}.patch")
        with open(path, "w") as o:
            o.write(header)
            o.writelines(diff)
        print(path)

if __name__ == "__main__":
    main()
