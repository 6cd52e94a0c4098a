#!/usr/bin/env python3
"""Where the CPU of one warm run goes: `python3 bench/warm-parts.py RUNS LAB 'CMD'` (after
`npm run build` and `isuops lab up ... --dir LAB`; CMD is run by sh, with the caller's environment,
so its XDG_RUNTIME_DIR names the daemon). Before each timed run CMD runs once untimed (the daemon
and its kept connections are there), then each run is read from /proc, 1.5 s apart so that what a
run leaves behind (a spare worker booting, sessions being reaped) falls into its own reading:
  wall     the run, start to exit
  client   CMD and what it waited for (getrusage of children): the thin client, or ssh clients
  daemon   the daemon process itself (`isuops daemon status --json` names it; 0 when none runs)
  workers  the daemon's children (warm workers), live ones and reaped ones
  hosts    every process of the lab's hosts (bench/host-cpu.mjs's rule: the trees under each
           host's sshd and keeper, with their reaped children)
  machine  every CPU of the machine (/proc/stat), kernel and interrupts included
Medians of RUNS. The same command line with `xargs -P 64 ssh` over ControlPersist masters shows
OpenSSH's side by side (its masters are in `machine`, not in `client`)."""
import json, os, resource, statistics, subprocess, sys, time

RUNS, LAB, CMD = int(sys.argv[1]), sys.argv[2], sys.argv[3]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTS = json.load(open(os.path.join(LAB, 'state.json')))['hosts']

def procs():
    out = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            s = open(f'/proc/{d}/stat').read()
        except OSError:
            continue
        f = s[s.rindex(')') + 2:].split(' ')
        out[int(d)] = (int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14]))  # ppid, self, reaped
    return out

def tree_ms(p, roots):
    children = {}
    for pid, (ppid, _, _) in p.items():
        children.setdefault(ppid, []).append(pid)
    ticks, seen, todo = 0, set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in p:
            continue
        seen.add(pid)
        ticks += p[pid][1] + p[pid][2]
        todo += children.get(pid, [])
    return ticks * 10

def daemon_pid():
    r = subprocess.run(['node', os.path.join(REPO, 'bin/isuops'), 'daemon', 'status', '--json'], capture_output=True, text=True)
    return json.loads(r.stdout)['pid'] if r.returncode == 0 else None

def snap(dpid):
    p = procs()
    d = p.get(dpid, (0, 0, 0))
    workers = (sum(v[1] for v in p.values() if v[0] == dpid) + d[2]) * 10 if dpid else 0
    hosts = tree_ms(p, [h['pid'] for h in HOSTS] + [h['keeperPid'] for h in HOSTS])
    v = list(map(int, open('/proc/stat').readline().split()[1:]))
    return d[1] * 10, workers, hosts, (sum(v) - v[3] - v[4]) * 10

subprocess.run(CMD, shell=True, stdout=subprocess.DEVNULL)
dpid = daemon_pid()
rows = []
for _ in range(RUNS):
    time.sleep(1.5)
    a, c0, t = snap(dpid), resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    rc = subprocess.run(CMD, shell=True, stdout=subprocess.DEVNULL).returncode
    wall, c1 = time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc != 0:
        sys.exit(f'warm-parts: the command exited {rc}')
    time.sleep(1.5)
    b = snap(dpid)
    client = (c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime) * 1000
    rows.append((wall * 1000, client, *(y - x for x, y in zip(a, b))))
names = ['wall', 'client', 'daemon', 'workers', 'hosts', 'machine']
print('  '.join(f'{n} {statistics.median(r[i] for r in rows):.0f} ms' for i, n in enumerate(names)) + f'  (medians of {RUNS})')
