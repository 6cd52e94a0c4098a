import type { SftpClient } from '../../transport/types.js';

export { SFTP_NO_SUCH_FILE, SFTP_PERMISSION_DENIED, sftpCode, SftpSessionLost } from '../../transport/sftp-errors.js';

/** The host's SFTP session as push and pull use it (HostSession.sftp()). */
export type Sftp = SftpClient;
