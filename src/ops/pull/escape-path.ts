/** A path as rsync prints it: control characters but tab (a newline in a name) as `\#ooo`, so one file is one line. */
export { escapeControls as escapePath } from '../../core/escape-controls.js';
