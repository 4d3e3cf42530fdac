import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DownloadError,
  downloadMnist,
  MirrorListError,
  mirrorsFromEnv,
  normalizeMirrors,
  PARTIAL_DIR,
  type DownloadEvent,
  type RemoteFile,
} from '@mnist-onnx/mnist/node';

// Two small synthetic files with their own sums stand in for the MNIST archives.
const images = randomBytes(300_000);
const labels = randomBytes(5_000);
const files: RemoteFile[] = [
  { name: 'images.gz', checksum: { algorithm: 'sha256', digest: createHash('sha256').update(images).digest('hex') }, size: images.length },
  { name: 'labels.gz', checksum: { algorithm: 'md5', digest: createHash('md5').update(labels).digest('hex') }, size: labels.length },
];
const content: Record<string, Buffer> = { '/images.gz': images, '/labels.gz': labels };

type Behaviour = 'good' | 'corrupt' | 'cut' | 'no-range' | 'not-found' | 'stall';

interface Mirror {
  url: string;
  behaviour: Behaviour;
  /** Every request: path and Range header. */
  requests: { path: string; range?: string }[];
}

const servers: Server[] = [];

/** A mirror on 127.0.0.1 at a random port that serves `content` the way `behaviour` says. */
async function startMirror(behaviour: Behaviour): Promise<Mirror> {
  const mirror: Mirror = { url: '', behaviour, requests: [] };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').replace(/^\/mnist/, '');
    mirror.requests.push({ path, range: req.headers.range });
    const body = content[path];
    if (!body || mirror.behaviour === 'not-found') {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    if (mirror.behaviour === 'stall') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000)); // …and nothing more.
      return;
    }
    const served = mirror.behaviour === 'corrupt' ? Buffer.from(body).fill(7, 100, 200) : body;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = range && mirror.behaviour !== 'no-range' ? Number(range[1]) : 0;
    if (from >= served.length && range) {
      res.writeHead(416, { 'content-range': `bytes */${served.length}` }).end();
      return;
    }
    const slice = served.subarray(from);
    const headers = { 'content-length': slice.length, 'content-type': 'application/octet-stream' };
    if (from > 0) res.writeHead(206, { ...headers, 'content-range': `bytes ${from}-${served.length - 1}/${served.length}` });
    else res.writeHead(200, headers);
    if (mirror.behaviour === 'cut') {
      // Half the promised bytes, then the connection drops.
      // Closed with end() (a FIN after the bytes) rather than a reset.
      res.write(slice.subarray(0, Math.floor(slice.length / 2)), () => res.socket?.end());
      return;
    }
    res.end(slice);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mnist/`;
  return mirror;
}

/** A URL where nothing listens: a port that was just free. */
async function deadMirror(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/mnist/`;
}

let root: string;
let dir: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnist-dl-'));
});
beforeEach(async () => {
  dir = await mkdtemp(join(root, 'dest-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const download = (mirrors: string[], events: DownloadEvent[] = []) =>
  downloadMnist({ dir, mirrors, files, onProgress: (e) => events.push(e), idleTimeoutMs: 2000 });

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
// Hashes, not toEqual on 300 kB buffers: a deep compare of that many elements takes seconds.
const digestOf = async (path: string) => sha256(await readFile(path));

const listing = async (path: string) => (existsSync(path) ? (await readdir(path)).sort() : []);

describe('downloadMnist against a local mirror', () => {
  it('downloads and verifies every file, reporting progress, and reuses them next time', async () => {
    const mirror = await startMirror('good');
    const events: DownloadEvent[] = [];
    const result = await download([mirror.url], events);
    expect(result.files.map((f) => [f.name, f.reused, f.url])).toEqual([
      ['images.gz', false, `${mirror.url}images.gz`],
      ['labels.gz', false, `${mirror.url}labels.gz`],
    ]);
    expect(await digestOf(join(dir, 'images.gz'))).toBe(sha256(images));
    expect(await digestOf(join(dir, 'labels.gz'))).toBe(sha256(labels));
    expect(await listing(dir)).toEqual(['images.gz', 'labels.gz']); // no .partial left behind
    const progress = events.filter((e) => e.type === 'progress' && e.file === 'images.gz');
    expect(progress.at(-1)).toMatchObject({ received: images.length, total: images.length });
    expect(events.filter((e) => e.type === 'done')).toHaveLength(2);

    const again: DownloadEvent[] = [];
    const second = await download([mirror.url], again);
    expect(second.files.every((f) => f.reused)).toBe(true);
    expect(again.map((e) => e.type)).toEqual(['reused', 'reused']);
    expect(mirror.requests).toHaveLength(2); // only the first run's
  });

  it('rejects a file with the wrong checksum and takes it from the next mirror', async () => {
    const bad = await startMirror('corrupt');
    const good = await startMirror('good');
    const events: DownloadEvent[] = [];
    await download([bad.url, good.url], events);
    expect(await digestOf(join(dir, 'images.gz'))).toBe(sha256(images));
    const failures = events.filter((e) => e.type === 'mirror-failed');
    expect(failures.map((e) => e.type === 'mirror-failed' && e.reason)).toEqual([
      expect.stringMatching(/^checksum mismatch \(sha256 [0-9a-f]{64}, published [0-9a-f]{64}\)$/),
      expect.stringMatching(/^checksum mismatch \(md5 [0-9a-f]{32}, published [0-9a-f]{32}\)$/),
    ]);
  });

  it('fails with DownloadError when the only mirror serves a wrong file, leaving nothing behind', async () => {
    const bad = await startMirror('corrupt');
    const error = await download([bad.url]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('DOWNLOAD');
    expect((error as DownloadError).message).toBe(
      `cannot download images.gz: every mirror failed (${bad.url}images.gz: checksum mismatch (sha256 ${sha256(Buffer.from(images).fill(7, 100, 200))}, published ${files[0].checksum.digest}))`,
    );
    expect(await listing(dir)).toEqual([]);
  });

  it('falls through a dead mirror and an HTTP 404 to a working one', async () => {
    const dead = await deadMirror();
    const missing = await startMirror('not-found');
    const good = await startMirror('good');
    const events: DownloadEvent[] = [];
    await download([dead, missing.url, good.url], events);
    expect(await digestOf(join(dir, 'labels.gz'))).toBe(sha256(labels));
    const reasons = events.flatMap((e) => (e.type === 'mirror-failed' && e.file === 'images.gz' ? [e.reason] : []));
    expect(reasons).toEqual([expect.stringMatching(/ECONNREFUSED/), 'HTTP 404 Not Found']);
  });

  it('offline: one DownloadError naming the file and every mirror tried, nothing in the folder', async () => {
    const mirrors = [await deadMirror(), 'http://mnist-mirror.invalid/mnist/'];
    const error = (await download(mirrors).catch((e: unknown) => e)) as DownloadError;
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.file).toBe('images.gz');
    expect(error.attempts.map((a) => a.url)).toEqual(mirrors.map((m) => `${m}images.gz`));
    expect(error.message).toMatch(/^cannot download images\.gz: every mirror failed \(http:\/\/127\.0\.0\.1:\d+\/mnist\/images\.gz: .*ECONNREFUSED.*; http:\/\/mnist-mirror\.invalid\/mnist\/images\.gz: .*(ENOTFOUND|EAI_AGAIN).*\)$/);
    expect(error.message).not.toContain('\n');
    expect(await listing(dir)).toEqual([]);
  });

  it('resumes a connection cut midway from the next mirror with a Range request', async () => {
    const cut = await startMirror('cut');
    const good = await startMirror('good');
    const events: DownloadEvent[] = [];
    await download([cut.url, good.url], events);
    expect(await digestOf(join(dir, 'images.gz'))).toBe(sha256(images));
    expect(events.find((e) => e.type === 'mirror-failed')).toMatchObject({
      url: `${cut.url}images.gz`,
      reason: expect.stringMatching(/^connection cut after \d+ of 300000 bytes/),
    });
    // The server sent half the file; the client keeps what reached it (undici may drop the last
    // buffered chunk when the socket closes) and resumes exactly from there.
    const kept = Number(/connection cut after (\d+) of/.exec(String(events.find((e) => e.type === 'mirror-failed')?.reason))?.[1]);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(images.length / 2);
    expect(good.requests[0]).toEqual({ path: '/images.gz', range: `bytes=${kept}-` });
    expect(events.find((e) => e.type === 'start' && e.url === `${good.url}images.gz`)).toMatchObject({ resumeFrom: kept, total: images.length });
  });

  it('keeps the partial file of a cut transfer hidden, and the next run finishes it', async () => {
    const cut = await startMirror('cut');
    const error = (await download([cut.url]).catch((e: unknown) => e)) as DownloadError;
    expect(error).toBeInstanceOf(DownloadError);
    const part = join(dir, PARTIAL_DIR, 'images.gz.part');
    const kept = (await readFile(part)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(images.length / 2);
    expect(error.message).toMatch(new RegExp(`connection cut after ${kept} of 300000 bytes`));
    expect(error.message).toContain(`the partial download is kept in ${part} and will be resumed`);
    expect(await listing(dir)).toEqual([PARTIAL_DIR]); // nothing half-written in the destination itself

    const good = await startMirror('good');
    await download([good.url]);
    expect(good.requests[0].range).toBe(`bytes=${kept}-`);
    expect(await digestOf(join(dir, 'images.gz'))).toBe(sha256(images));
    expect(await listing(dir)).toEqual(['images.gz', 'labels.gz']);
  });

  it('starts over when the server ignores the Range header', async () => {
    await mkdir(join(dir, PARTIAL_DIR));
    await writeFile(join(dir, PARTIAL_DIR, 'images.gz.part'), images.subarray(0, 1234));
    const mirror = await startMirror('no-range');
    const events: DownloadEvent[] = [];
    await download([mirror.url], events);
    expect(mirror.requests[0].range).toBe('bytes=1234-');
    expect(events.find((e) => e.type === 'start')).toMatchObject({ resumeFrom: 0 });
    expect(await digestOf(join(dir, 'images.gz'))).toBe(sha256(images));
  });

  it('discards a corrupt partial file and downloads afresh', async () => {
    await mkdir(join(dir, PARTIAL_DIR));
    await writeFile(join(dir, PARTIAL_DIR, 'images.gz.part'), Buffer.alloc(5000, 1));
    const mirror = await startMirror('good');
    await download([mirror.url]);
    expect(mirror.requests.map((r) => r.range)).toEqual(['bytes=5000-', undefined, undefined]);
    expect(await digestOf(join(dir, 'images.gz'))).toBe(sha256(images));
  });

  it('gives up on a mirror that stops sending', async () => {
    const stall = await startMirror('stall');
    const error = (await downloadMnist({ dir, mirrors: [stall.url], files, idleTimeoutMs: 300 }).catch((e: unknown) => e)) as DownloadError;
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(/connection cut after 1000 of 300000 bytes \(no data for 0\.3 s\)/);
  });
});

describe('mirror lists', () => {
  it('reads MNIST_MIRRORS, comma or space separated', () => {
    expect(mirrorsFromEnv({ MNIST_MIRRORS: ' http://a/x/, http://b/y  http://c ' })).toEqual(['http://a/x/', 'http://b/y', 'http://c']);
    expect(mirrorsFromEnv({ MNIST_MIRRORS: '  ' })).toBeUndefined();
    expect(mirrorsFromEnv({})).toBeUndefined();
  });

  it('adds the trailing slash file names are appended to', () => {
    expect(normalizeMirrors(['http://127.0.0.1:8080/mnist', 'https://host/'])).toEqual(['http://127.0.0.1:8080/mnist/', 'https://host/']);
  });

  it.each([
    [[], /no download mirrors given/],
    [['not a url'], /mirror "not a url" is not a URL/],
    [['ftp://host/mnist/'], /mirror "ftp:\/\/host\/mnist\/" is not an http\(s\) URL/],
  ])('rejects %j with MirrorListError', (mirrors, message) => {
    const call = () => normalizeMirrors(mirrors);
    expect(call).toThrow(MirrorListError);
    expect(call).toThrow(message);
  });
});
