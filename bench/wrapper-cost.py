#!/usr/bin/env python3
"""The exec wrapper's CPU on a host, without sshd: `python3 bench/wrapper-cost.py [RUNS]` (after
`npm run build`). Each run starts bash in a session of its own (as sshd does) with stdin a pipe that
stays open until the shell exits (as a channel's does), and counts the CPU of every process it made
(getrusage of the children; this process is their subreaper, so the disowned watcher counts too).
Rows: `bash -c hostname` (what sshd runs for `ssh HOST hostname`), the wrapped `hostname` as isuops
sends it on a connection of its own (watch mode: the stdin watcher), as the daemon sends it on a kept
connection (signal mode: no watcher, the daemon stops it with SSH signal requests), and in stdin mode
(-I: no watcher)."""
import ctypes, os, resource, subprocess, sys, time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER

def wrapped(stdin, signals=False):
    js = ("import(process.argv[1]).then((m) => process.stdout.write(m.buildWrappedCommand('hostname', "
          f"{{ sudo: false, stdin: {'true' if stdin else 'false'}, signals: {'true' if signals else 'false'}, marker: '@isuops:bench:pgid:' }})))")
    return subprocess.run(['node', '-e', js, os.path.join(REPO, 'dist/remote/command.js')], capture_output=True, text=True, check=True).stdout

def once(argv):
    r, w = os.pipe()
    p = subprocess.Popen(argv, stdin=r, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.close(r)
    p.wait()
    os.close(w)  # the channel closes: the watcher ends
    try:
        while True:
            os.wait()
    except ChildProcessError:
        pass

def measure(name, argv):
    once(argv)
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.time()
    for _ in range(RUNS):
        once(argv)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) / RUNS * 1000
    print(f'{name:40s} {cpu:5.2f} ms CPU per run  {(time.time() - t0) / RUNS * 1000:5.2f} ms wall', flush=True)

measure('bash -c hostname', ['bash', '-c', 'hostname'])
measure('isuops-wrapped hostname (watcher)', ['bash', '-c', wrapped(False)])
measure('isuops-wrapped hostname, kept (signal mode)', ['bash', '-c', wrapped(False, True)])
measure('isuops-wrapped hostname, -I (no watcher)', ['bash', '-c', wrapped(True)])
