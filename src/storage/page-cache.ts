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

const NONE = -1;

/**
 * PageCache tracks residency only (the bytes themselves are read from the real file): a page that is
 * resident is a hit and costs no device time; a miss makes it resident, evicting the least recently
 * used page when the cache is full.
 *
 * Its memory is fixed by its capacity, whatever the size of the files scanned: each resident page is a
 * slot in typed arrays (its file, its page number, its neighbours in recency order), found through an
 * open-addressing index with linear probing. A JavaScript Map of pages grew to ~20 MiB of heap, with a
 * rehash that briefly needed twice that, and made a node's peak memory climb with the table's size up
 * to the cache's capacity.
 */
export class PageCache {
  readonly counts: PageCacheCounts = { hits: 0, misses: 0, evictions: 0 };
  private size = 0;
  private oldest = NONE;
  private newest = NONE;
  private files = new Int32Array(0);
  private pages = new Uint32Array(0);
  private older = new Int32Array(0);
  private newer = new Int32Array(0);
  /** index[i] is a slot + 1, or 0 where empty. */
  private index = new Int32Array(0);
  private shift = 32;

  constructor(readonly capacityPages: number = DEFAULT_CACHE_PAGES) {}

  /** touch looks a page up and makes it resident; it returns true on a hit. */
  touch(fileId: number, page: number): boolean {
    if (this.capacityPages <= 0) {
      this.counts.misses += 1;
      return false;
    }
    if (this.index.length === 0) this.allocate();
    const found = this.find(fileId, page);
    if (found !== NONE) {
      this.unlink(found);
      this.linkNewest(found);
      this.counts.hits += 1;
      return true;
    }
    this.counts.misses += 1;
    let slot: number;
    if (this.size >= this.capacityPages) {
      slot = this.oldest;
      this.unlink(slot);
      this.unindex(slot);
      this.counts.evictions += 1;
    } else {
      slot = this.size++;
    }
    this.files[slot] = fileId;
    this.pages[slot] = page;
    this.reindex(slot);
    this.linkNewest(slot);
    return false;
  }

  /** drop empties the cache (as `echo 3 > /proc/sys/vm/drop_caches` would), keeping the counts. */
  drop(): void {
    this.size = 0;
    this.oldest = NONE;
    this.newest = NONE;
    this.index.fill(0);
  }

  private allocate(): void {
    const capacity = this.capacityPages;
    this.files = new Int32Array(capacity);
    this.pages = new Uint32Array(capacity);
    this.older = new Int32Array(capacity);
    this.newer = new Int32Array(capacity);
    // At least twice the capacity, so probes stay short.
    let bits = 1;
    while (1 << bits < capacity * 2) bits++;
    this.index = new Int32Array(1 << bits);
    this.shift = 32 - bits;
  }

  private home(fileId: number, page: number): number {
    return Math.imul(page ^ Math.imul(fileId, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  private find(fileId: number, page: number): number {
    const mask = this.index.length - 1;
    for (let i = this.home(fileId, page); ; i = (i + 1) & mask) {
      const entry = this.index[i];
      if (entry === 0) return NONE;
      const slot = entry - 1;
      if (this.pages[slot] === page && this.files[slot] === fileId) return slot;
    }
  }

  private reindex(slot: number): void {
    const mask = this.index.length - 1;
    let i = this.home(this.files[slot], this.pages[slot]);
    while (this.index[i] !== 0) i = (i + 1) & mask;
    this.index[i] = slot + 1;
  }

  /** unindex removes a slot's entry and shifts later entries of its probe run back, so no run has a hole. */
  private unindex(slot: number): void {
    const mask = this.index.length - 1;
    let hole = this.home(this.files[slot], this.pages[slot]);
    while (this.index[hole] !== slot + 1) hole = (hole + 1) & mask;
    this.index[hole] = 0;
    for (let j = (hole + 1) & mask; this.index[j] !== 0; j = (j + 1) & mask) {
      const moved = this.index[j] - 1;
      const home = this.home(this.files[moved], this.pages[moved]);
      // The entry may fill the hole when the hole lies on its probe path: from its home to where it is.
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.index[hole] = this.index[j];
        this.index[j] = 0;
        hole = j;
      }
    }
  }

  private unlink(slot: number): void {
    const older = this.older[slot];
    const newer = this.newer[slot];
    if (older === NONE) this.oldest = newer;
    else this.newer[older] = newer;
    if (newer === NONE) this.newest = older;
    else this.older[newer] = older;
  }

  private linkNewest(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = NONE;
    if (this.newest === NONE) this.oldest = slot;
    else this.newer[this.newest] = slot;
    this.newest = slot;
  }
}
