// A secret typed or pasted at a terminal is not echoed (like `read -s`): the terminal is put in
// raw mode for the one line, so the token never shows on the screen, in a scrollback or a
// screen recording. Ctrl-C gives up (exit 130), Ctrl-D ends the line, Backspace deletes.

import { signalExitCode } from './signals.js';

export function readSecretLine(prompt: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const wasRaw = stdin.isRaw;
    // Echo off before the prompt shows: a token pasted the moment it appears must not be echoed.
    stdin.setRawMode(true);
    stderr.write(prompt);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(text);
          return;
        }
        if (ch === '\u0003') {
          finish();
          stderr.write('fbsync: stopped by SIGINT; nothing was stored\n');
          process.exit(signalExitCode('SIGINT'));
        }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
