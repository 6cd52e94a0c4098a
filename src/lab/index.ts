export type { LabExecResult, LabHost, LabOptions, LabState } from './types.js';
export { LAB_USER, labDefaultDir, labPaths, hostPaths, makeHostAddress, makeHostName } from './layout.js';
export { readLabState } from './state.js';
export { bringLabUp, type LabUpOptions, type LabUpReport } from './up.js';
export { takeLabDown, type LabDownReport } from './down.js';
export { readLabStatus, type LabHostReport, type LabHostStatus } from './status.js';
export { labExecOnHost, labFreezeHost, labStartHost, labStopHost, labThawHost } from './control.js';
export { RUN_LABS, findRunLab, findRunOctet, findRunRoot, type RunLabRole } from './run-env.js';
export { BASHRC_READS_LOG, HEAVY_FUNCTION, HEAVY_USER, bashrcReadsFile, clearBashrcReads, countBashrcReads } from './heavy-user.js';
