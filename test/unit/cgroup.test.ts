import { describe, expect, it } from 'vitest';
// Internal pure parsers of the cgroup layer.
import { findCgroup2Mount, ownCgroupPath } from '../../dist/cgroup/detect.js';

const UNIFIED = `24 1 0:22 / /sys rw,nosuid - sysfs sysfs rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;
const HYBRID = `30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
`;
const V1_ONLY = `32 30 0:28 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
`;

describe('cgroup detection', () => {
  it('finds the unified and the hybrid cgroup2 mount, and none on v1-only machines', () => {
    expect(findCgroup2Mount(UNIFIED)).toBe('/sys/fs/cgroup');
    expect(findCgroup2Mount(HYBRID)).toBe('/sys/fs/cgroup/unified');
    expect(findCgroup2Mount(V1_ONLY)).toBeNull();
  });

  it('reads our own v2 path from /proc/self/cgroup', () => {
    expect(ownCgroupPath('12:memory:/x\n0::/user.slice/user-1000.slice/session-2.scope\n')).toBe('/user.slice/user-1000.slice/session-2.scope');
    expect(ownCgroupPath('4:memory:/x\n')).toBeNull();
  });
});
