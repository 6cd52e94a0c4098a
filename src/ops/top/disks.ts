// Devices that are never whole disks, or that stack on other disks (their bytes are counted there).
const NOT_A_DISK = /^(loop|ram|zram|dm-|md|sr|fd|nbd)\d*/;
// Partitions: sda1, vdb2, xvda1, hda3, nvme0n1p1, mmcblk0p2.
const PARTITION = /^((s|v|xv|h)d[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+)p\d+)$/;

/**
 * Which /proc/diskstats devices to count: the host's whole disks when /sys/block told us
 * (a disk with a `device` link), else every name that looks like neither a partition nor a
 * virtual or stacked device.
 */
export function makeDiskFilter(wholeDisks: readonly string[]): (device: string) => boolean {
  if (wholeDisks.length > 0) {
    const set = new Set(wholeDisks);
    return (device) => set.has(device);
  }
  return (device) => !NOT_A_DISK.test(device) && !PARTITION.test(device);
}
