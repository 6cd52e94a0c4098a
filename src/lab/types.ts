/** One practice host as recorded in LAB_DIR/state.json. */
export interface LabHost {
  /** `isu01`..`isuNN` (three digits past 99 hosts). */
  name: string;
  /** Its own loopback address, e.g. `127.0.1.3`; sshd listens there only. */
  address: string;
  /** 22, or 2222 when 22 was taken on that address. */
  port: number;
  /** The sshd listener pid (0 when it was stopped with labStopHost). */
  pid: number;
  /** LAB_DIR/hosts/<name>: sources of the host's private mounts, its keys and logs. */
  root: string;
  /** Pid 1 of the host's pid namespace; holds its UTS + mount + pid namespaces; nsenter targets it. */
  keeperPid: number;
  /** `mnt:[ino] uts:[ino]` of the keeper, to find every process of the host at lab down. */
  ns: string;
}

/** LAB_DIR/state.json: written by lab up, removed by lab down. */
export interface LabState {
  hosts: LabHost[];
  user: string;
  /** First three octets of the address range, e.g. `127.0.1`. */
  base: string;
  /**
   * A bastion lab (lab up --bastion): the fleet's network namespace (`isuops-lab-<hash>`), which
   * the machine cannot reach but through the bastion.
   */
  netns?: string;
  /** The bastion of a bastion lab: `pid` is its listener (a relay handing connections to `sshd -i`). */
  bastion?: LabHost;
  /** lab up --latency: the proxy in front of every host's sshd, which the client files point at. */
  latency?: LabLatency;
}

/** The latency proxy of a lab (src/lab/latency.ts). */
export interface LabLatency {
  /** Round-trip time it adds: each direction is delayed by half of it. */
  rttMs: number;
  /** The proxy process (one for every host). */
  pid: number;
  /** Host name -> the proxy's port on that host's address (sshd keeps its own port). */
  ports: Record<string, number>;
}

/** Options shared by the lab entry points. */
export interface LabOptions {
  /** The lab directory (see labDefaultDir). */
  dir?: string;
  /** Address base `127.0.X` (default `127.0.1`); a second lab needs another one. */
  base?: string;
}

/** What labExecOnHost returns. */
export interface LabExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
