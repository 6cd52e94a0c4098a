/** One host as the user wrote it, before ssh config resolution. */
export interface HostEntry {
  /** Exactly as written (e.g. `isu01`, `root@10.0.0.1:2222`, `[::1]:22`): the name shown in output. */
  name: string;
  /** The host part, used for ssh config `Host` matching and as the connect target. */
  host: string;
  user?: string;
  port?: number;
  /** Groups this entry appeared under in a hosts file (`[web]`). */
  groups: string[];
}
