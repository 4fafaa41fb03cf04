// The storage node's page cache: which 4 KiB pages of which files are in memory (LRU), with hit and miss counts.

/** PAGE_BYTES is the page size of the node's page cache. */
export const PAGE_BYTES = 4096;

/** DEFAULT_CACHE_PAGES holds 1 GiB of pages. */
export const DEFAULT_CACHE_PAGES = (1 << 30) / PAGE_BYTES;

/** PageCacheCounts counts page lookups by outcome. */
export interface PageCacheCounts {
  hits: number;
  misses: number;
  evictions: number;
}

/**
 * PageCache tracks residency only (the bytes themselves are read from the real file): a page that is
 * resident is a hit and costs no device time; a miss makes it resident, evicting the least recently
 * used page when the cache is full.
 */
export class PageCache {
  readonly counts: PageCacheCounts = { hits: 0, misses: 0, evictions: 0 };
  // Map iteration order is insertion order, so re-inserting on use keeps the least recent first.
  private readonly resident = new Map<number, true>();

  constructor(readonly capacityPages: number = DEFAULT_CACHE_PAGES) {}

  /** touch looks a page up and makes it resident; it returns true on a hit. */
  touch(fileId: number, page: number): boolean {
    const key = fileId * 2 ** 32 + page;
    if (this.resident.delete(key)) {
      this.resident.set(key, true);
      this.counts.hits += 1;
      return true;
    }
    this.counts.misses += 1;
    if (this.capacityPages <= 0) return false;
    if (this.resident.size >= this.capacityPages) {
      const oldest = this.resident.keys().next().value as number;
      this.resident.delete(oldest);
      this.counts.evictions += 1;
    }
    this.resident.set(key, true);
    return false;
  }

  /** drop empties the cache (as `echo 3 > /proc/sys/vm/drop_caches` would), keeping the counts. */
  drop(): void {
    this.resident.clear();
  }
}
