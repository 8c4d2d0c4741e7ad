// The Ink components: dumb views of the publisher's frames. The root never re-renders: <Log>
// (finished output in <Static>) and <Live> (header, lanes, panel, prompt, help bar) each subscribe
// to the publisher, and the publisher decides when (at most one frame per ~40 ms).
import { Box, render, Static, Text, useInput, useStdin, type Key } from 'ink';
import { memo, useCallback, useSyncExternalStore } from 'react';
import type { KeyPress } from './controller.js';
import type { LogBatch, Publisher } from './frame.js';
import type { LogItem } from './store.js';
import { paintLine } from './text.js';

export interface AppProps {
  publisher: Publisher;
  onKey: (key: KeyPress) => void;
  /** Colours and styles (off with NO_COLOR). */
  color: boolean;
}

/**
 * One row of the live region: a pre-fitted string (styles inline), so Ink lays out one text node
 * per row; unchanged rows are skipped by React. `truncate-end` is only a safety net.
 */
const Row = memo(function Row({ text }: { text: string }) {
  return <Text wrap="truncate-end">{text}</Text>;
});

const LogItemView = memo(function LogItemView({ item, color }: { item: LogItem; color: boolean }) {
  return <Text>{item.lines.map((line) => (line.length ? paintLine(line, color) : ' ')).join('\n')}</Text>;
});

/** Finished output: written once above the live region, then left to the terminal's scrollback. */
const Log = memo(function Log({ publisher, color }: { publisher: Publisher; color: boolean }) {
  const batch: LogBatch = useSyncExternalStore(publisher.subscribeLog, publisher.getLog);
  return (
    <Static key={batch.generation} items={batch.items}>
      {(item: LogItem) => <LogItemView key={item.key} item={item} color={color} />}
    </Static>
  );
});

/** Everything that changes: one commit per published frame. */
const Live = memo(function Live({ publisher }: { publisher: Publisher }) {
  const frame = useSyncExternalStore(publisher.subscribe, publisher.getFrame);
  return (
    <Box flexDirection="column" width={frame.size.cols}>
      {frame.rows.map((text, i) => (
        <Row key={i} text={text} />
      ))}
    </Box>
  );
});

function toKeyPress(input: string, key: Key): KeyPress {
  return {
    input,
    up: key.upArrow,
    down: key.downArrow,
    left: key.leftArrow,
    right: key.rightArrow,
    pageUp: key.pageUp,
    pageDown: key.pageDown,
    home: key.home,
    end: key.end,
    enter: key.return,
    escape: key.escape,
    // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
    backspace: key.backspace || key.delete,
    tab: key.tab,
    ctrl: key.ctrl,
    meta: key.meta && !key.escape,
  };
}

/** Keys, only when stdin can be put in raw mode (else Ink throws "Raw mode is not supported"). */
function Keys({ onKey }: { onKey: (key: KeyPress) => void }) {
  const { isRawModeSupported } = useStdin();
  const handler = useCallback((input: string, key: Key) => onKey(toKeyPress(input, key)), [onKey]);
  useInput(handler, { isActive: isRawModeSupported === true });
  return null;
}

export function App({ publisher, onKey, color }: AppProps) {
  return (
    <>
      <Log publisher={publisher} color={color} />
      <Live publisher={publisher} />
      <Keys onKey={onKey} />
    </>
  );
}

export interface RenderStats {
  renders: number;
  renderMs: number;
}

export interface Mounted {
  stats: RenderStats;
  /** Renders what is pending, waits for Ink to write it, then unmounts (terminal restored). */
  close(): Promise<void>;
}

/** Mounts the TUI on the process's terminal. */
export function mount(props: AppProps, streams: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream }): Mounted {
  const stats: RenderStats = { renders: 0, renderMs: 0 };
  const instance = render(<App {...props} />, {
    onRender: ({ renderTime }) => {
      stats.renders++;
      stats.renderMs += renderTime;
      props.publisher.addRenderCost(renderTime);
    },
    stdout: streams.stdout,
    stdin: streams.stdin,
    stderr: streams.stderr,
    // q and Ctrl-C go through the controller: a run in flight is cancelled before we leave.
    exitOnCtrlC: false,
    // Ink's own throttle (34 ms) is shorter than our frame interval: a published frame is drawn at once.
    maxFps: 30,
    patchConsole: true,
    // Not incrementalRendering: in Ink 6.8 it leaves a copy of a changed row behind on every frame.
  });
  return {
    stats,
    async close() {
      // The last frame: published by the caller, then given a tick (and Ink's throttle window) to be written.
      await new Promise((resolve) => setTimeout(resolve, 40));
      instance.unmount();
      await instance.waitUntilExit().catch(() => undefined);
    },
  };
}
