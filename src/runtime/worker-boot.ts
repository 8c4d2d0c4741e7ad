// What a worker process starts as: node is up, nothing of qa is loaded. The `init` message says
// which worker this is; only then can the worker proper load, since its modules read their
// environment (worker id, root, timeout) when they load, and module hooks must be registered
// before the first test file is imported.
import { setWorkerCompat } from '../compat/worker-settings.js';
import type { WorkerInit } from '../core/protocol.js';

if (!process.send) {
  console.error('qa: this file is a qa worker; start tests with the `qa` command');
  process.exit(3);
}

// Whatever the controller sends before the worker proper listens is handed to it once it does.
const early: unknown[] = [];
const hold = (msg: unknown) => early.push(msg);
const exitWithController = () => process.exit(0);
process.on('disconnect', exitWithController);

process.once('message', async (init: WorkerInit | { t: 'stop' }) => {
  // Stopped before it was told who it is: nothing to tear down.
  if (init.t !== 'init') process.exit(0);
  process.on('message', hold);
  Object.assign(process.env, init.env);
  if (process.cwd() !== init.cwd) process.chdir(init.cwd);
  setWorkerCompat(init.compat);
  for (const url of init.imports) await import(url);
  await import('./worker.js');
  process.off('message', hold);
  process.off('disconnect', exitWithController);
  for (const msg of early) process.emit('message', msg as never, undefined);
});
process.send({ t: 'boot' });
