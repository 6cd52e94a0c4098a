#!/usr/bin/env python3
"""Warm runs started back to back, by wall time: `python3 bench/back-to-back.py ROUNDS 'CMD'` (after
`npm run build` and `isuops lab up ... --dir LAB`; CMD is run by sh with the caller's environment, so
its XDG_RUNTIME_DIR names the daemon). CMD runs once untimed (the daemon and its kept connections
are there), then:
  burst   ROUNDS times: 2 s of pause (the daemon's spare workers boot), one untimed run, then three
          timed runs right behind it (as the bench's warm rows run: a warm-up, then 3 samples)
  stream  3 x ROUNDS timed runs in a row with no pause at all (a shell loop)
Medians in ms. This is what the README's figures for the warm pool's idle time come from; run it
with ISUOPS_WARM_IDLE_MS=20 in the environment of a fresh daemon (`isuops daemon stop` first) to
see the pool without it."""
import statistics, subprocess, sys, time

ROUNDS, CMD = int(sys.argv[1]), sys.argv[2]

def timed():
    t = time.time()
    subprocess.run(CMD, shell=True, check=True)
    return (time.time() - t) * 1000

subprocess.run(CMD, shell=True, check=True)
burst = [[], [], []]
for _ in range(ROUNDS):
    time.sleep(2)
    subprocess.run(CMD, shell=True, check=True)
    for i in range(3):
        burst[i].append(timed())
time.sleep(2)
stream = [timed() for _ in range(3 * ROUNDS)]
print('burst  ' + '  '.join(f'run{i + 1} {statistics.median(b):.0f}' for i, b in enumerate(burst)) + f'  all {statistics.median(sum(burst, [])):.0f} ms')
print(f'stream median {statistics.median(stream):.0f} ms  min {min(stream):.0f} ms  ({len(stream)} runs)')
