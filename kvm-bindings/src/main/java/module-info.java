module kvmclockprobe.bindings {
    exports kvmclockprobe.bindings;
}
