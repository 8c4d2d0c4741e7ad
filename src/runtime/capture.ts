// Per-test capture of stdout/stderr inside a worker, bounded so a chatty test cannot exhaust memory.
export const CAPTURE_LIMIT = 1024 * 1024;
// Jest's fake timers fake queueMicrotask too; a write's callback must still run.
const realQueueMicrotask = globalThis.queueMicrotask;

class Sink {
  private chunks: string[] = [];
  private size = 0;
  private dropped = 0;

  push(text: string): void {
    if (this.size >= CAPTURE_LIMIT) {
      this.dropped += text.length;
      return;
    }
    const room = CAPTURE_LIMIT - this.size;
    const part = text.length > room ? text.slice(0, room) : text;
    this.chunks.push(part);
    this.size += part.length;
    this.dropped += text.length - part.length;
  }

  take(): string {
    if (this.chunks.length === 0 && this.dropped === 0) return '';
    let out = this.chunks.join('');
    if (this.dropped) out += `\n[qa: output truncated, ${this.dropped} more characters not kept]\n`;
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
    return out;
  }
}

const out = new Sink();
const err = new Sink();
let capturing = false;

function patch(stream: NodeJS.WriteStream, sink: Sink): void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: unknown, encOrCb?: unknown, cb?: unknown) => {
    if (!capturing) return original(chunk as string, encOrCb as BufferEncoding, cb as () => void);
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    const done = typeof encOrCb === 'function' ? encOrCb : cb;
    if (typeof done === 'function') realQueueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof stream.write;
}

/** Installs the interception once per worker; output outside a test passes through. */
export function installCapture(): void {
  patch(process.stdout, out);
  patch(process.stderr, err);
}

export function beginCapture(): void {
  capturing = true;
}

export function endCapture(): { stdout: string; stderr: string } {
  capturing = false;
  return { stdout: out.take(), stderr: err.take() };
}
