#!/usr/bin/env python3
"""Commands timed in turns, so that each meets the same machine: `python3 bench/side-by-side.py
ROUNDS NAME=CMD [NAME=CMD ...]` (after `npm run build` and `isuops lab up ... --dir LAB`; each CMD is
run by sh with the caller's environment, its stdout discarded). Every CMD runs once untimed (a
daemon and its kept connections, ssh's masters), then ROUNDS rounds of all of them in the order
given, each after 0.8 s of quiet (a warm daemon's spare workers boot then, as before an operator's
next command). Prints each one's median wall time, its quartiles, and its ratio to the last one.
This is how the README compares a build with the one before it: a second checkout built beside
this one (its own daemon: the socket's name holds the build), e.g.
  python3 bench/side-by-side.py 21 "old=node ../old/bin/isuops exec -q -F LAB/ssh_config -H HOSTS hostname" \\
    "new=node bin/isuops exec -q -F LAB/ssh_config -H HOSTS hostname" \\
    "ssh=printf '%s\\n' HOST... | xargs -P 64 -I{} ssh -F LAB/ssh_config -o ControlMaster=auto ... {} hostname"
"""
import statistics, subprocess, sys, time

ROUNDS = int(sys.argv[1])
CMDS = [a.split('=', 1) for a in sys.argv[2:]]
if ROUNDS < 1 or not CMDS or any(len(c) != 2 for c in CMDS):
    sys.exit('usage: side-by-side.py ROUNDS NAME=CMD [NAME=CMD ...]')

def timed(cmd):
    start = time.time()
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    return (time.time() - start) * 1000

for _, cmd in CMDS:
    timed(cmd)
walls = {name: [] for name, _ in CMDS}
for _ in range(ROUNDS):
    for name, cmd in CMDS:
        time.sleep(0.8)
        walls[name].append(timed(cmd))
last = statistics.median(walls[CMDS[-1][0]])
for name, _ in CMDS:
    w = walls[name]
    q = statistics.quantiles(w, n=4) if len(w) > 1 else [w[0], w[0], w[0]]
    print(f'{name:12s} median {statistics.median(w):6.0f} ms  (quartiles {q[0]:.0f}-{q[2]:.0f})  x{statistics.median(w) / last:.3f} of {CMDS[-1][0]}')
