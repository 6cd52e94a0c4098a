// SFTP status codes (draft-ietf-secsh-filexfer-02), as a failed call puts them on `err.code`.
export const SFTP_NO_SUCH_FILE = 2;
export const SFTP_PERMISSION_DENIED = 3;

/** The SFTP status code of an error from an SFTP call, if any. */
export function sftpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** The SFTP session ended (the connection dropped): no answer will come to a request. */
export class SftpSessionLost extends Error {
  constructor() {
    super('connection lost');
  }
}
