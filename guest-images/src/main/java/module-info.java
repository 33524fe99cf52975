/** Prebuilt guest images and the guest ABI constants of kvmclock-probe. */
module kvmclockprobe.guest {
    exports kvmclockprobe.guest;
}
