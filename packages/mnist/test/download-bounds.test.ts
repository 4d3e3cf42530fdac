import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadMnist, PARTIAL_DIR, type RemoteFile } from '@mnist-onnx/mnist/node';

// The published size of the file the endless mirror streams (small, so the test is quick).
const SIZE = 100_000;
const file: RemoteFile = { name: 'train-images-idx3-ubyte.gz', checksum: { algorithm: 'md5', digest: '0'.repeat(32) }, size: SIZE };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => {
    s.close(resolve);
    s.closeAllConnections();
  })));
});

/** A mirror that answers every request by `respond`, on 127.0.0.1. */
async function mirror(respond: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => respond(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Streams random bytes without end (no Content-Length), as fast as the client takes them. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = randomBytes(64 * 1024);
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

describe('a mirror that sends more than the file', () => {
  it('an endless stream stops at the published size, with one line naming the file and the mirror', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-dl-bound-'));
    const url = await mirror(endless);
    const started = Date.now();
    const error = await downloadMnist({ dir, mirrors: [url], files: [file] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toBe(`cannot download ${file.name}: every mirror failed (${url}${file.name}: the server sent more than the published size of ${SIZE} bytes)`);
    expect(Date.now() - started).toBeLessThan(5000);
    // Nothing past the published size was kept; the bytes of such a server are not resumed.
    expect(existsSync(join(dir, PARTIAL_DIR, `${file.name}.part`))).toBe(false);
    expect(existsSync(join(dir, file.name))).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });

  it('a Content-Length above the published size is refused before a byte is written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-dl-bound-'));
    const url = await mirror((res) => {
      res.writeHead(200, { 'content-length': 3 * SIZE });
      res.end(randomBytes(3 * SIZE));
    });
    const error = await downloadMnist({ dir, mirrors: [url], files: [file] }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`cannot download ${file.name}: every mirror failed (${url}${file.name}: the server announces ${3 * SIZE} bytes, more than the published size of ${SIZE})`);
    const part = join(dir, PARTIAL_DIR, `${file.name}.part`);
    expect(existsSync(part) ? statSync(part).size : 0).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('without a published size, stops at the Content-Length the server gave', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnist-dl-bound-'));
    const url = await mirror((res) => {
      // Promises 1000 bytes, then keeps going (a broken or hostile server).
      res.writeHead(200, { 'content-length': 1000 });
      res.write(randomBytes(1000));
      res.socket?.write(randomBytes(500_000));
    });
    const { size: _size, ...unsized } = file;
    const error = await downloadMnist({ dir, mirrors: [url], files: [unsized] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    const part = join(dir, PARTIAL_DIR, `${file.name}.part`);
    expect(existsSync(part) ? statSync(part).size : 0).toBeLessThanOrEqual(1000);
    await rm(dir, { recursive: true, force: true });
  });
});
