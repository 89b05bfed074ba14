// The event stream as JSON Lines: hashed (sha256, the determinism evidence in summary.json) and
// optionally written to a file. Lines are batched into ~1 MB chunks so that the per-event cost is
// one JSON.stringify; the file is written under a temporary name and renamed by `close`.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { EngineEvent } from '../engine/index.ts';

const CHUNK_CHARS = 1 << 20;

export class EventLog {
  private readonly hash: Hash = createHash('sha256');
  private buffer = '';
  private readonly fd: number | null;
  private readonly tempPath: string | null;
  count = 0;

  constructor(private readonly path: string | null) {
    this.tempPath = path === null ? null : `${path}.tmp-${process.pid}`;
    this.fd = this.tempPath === null ? null : openSync(this.tempPath, 'w');
  }

  add = (e: EngineEvent): void => {
    this.buffer += JSON.stringify(e) + '\n';
    this.count++;
    if (this.buffer.length >= CHUNK_CHARS) this.flush();
  };

  private flush(): void {
    this.hash.update(this.buffer);
    if (this.fd !== null) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  /** Flushes and returns the hex sha256. With `keep` false the file is discarded (a failed run). */
  close(keep = true): string {
    this.flush();
    if (this.fd !== null) {
      closeSync(this.fd);
      if (keep) renameSync(this.tempPath!, this.path!);
      else rmSync(this.tempPath!, { force: true });
    }
    return this.hash.digest('hex');
  }
}
