/**
 * `qa | head` closes the pipe after a few lines. Node then reports EPIPE as an unhandled stream
 * error, a stack trace from qa; instead the output that no one reads is dropped and the run goes
 * on, so the exit code, report files and recorded durations are the same as with a reader. Other
 * write errors (EIO from a terminal that went away) are no different: no one is left to read.
 */
export function dropOutputOnClosedPipe(...streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) stream.on('error', () => {});
}
