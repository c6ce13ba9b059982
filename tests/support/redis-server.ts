// A private redis-server on a free loopback port, for tests that run several processes against one Redis, or
// stop and restart it: the machine's Redis on 6379 is shared by every other test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';

export type PrivateRedis = { url: string; port: number; stop(): Promise<void>; start(): Promise<void> };

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function answering(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts redis-server and returns its URL; `stop`/`start` take it down and up on the same port. In memory
 * only, unless `persistDir` is given: then every write is appended and fsynced there, so a restart keeps it.
 */
export async function privateRedis(options: { persistDir?: string } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const persistence = options.persistDir ? ['--dir', options.persistDir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await answering(port)); i++) await new Promise((done) => setTimeout(done, 50));
    if (!(await answering(port))) throw new Error(`redis-server did not start on port ${port}: is it installed?`);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}
