import type { RawDoc } from '../snapshot/read.js';
import type { KindName } from '../registry/kinds.js';

/**
 * Items the server made inside parents this run created (a new project's "Default" channel, registry
 * `parent.createdWithParent`), found in one paged listing of the kind across the space rather than one
 * listing per parent (issue 17.4). A listing serves every parent created before it started; a parent created
 * after the latest listing started gets a new one. Siblings the run creates never look for each other, so a
 * listing stays valid for the items it is asked about.
 */
export class MadeWithParent {
  /** Parents this run has created so far; each created parent's number in that count. */
  private count = 0;
  private readonly numberOf = new Map<string, number>();
  private readonly listings = new Map<KindName, { covers: number; docs: Promise<RawDoc[]> }>();

  /** A parent created (or adopted) by this run: listings started before now do not cover it. */
  parentCreated(id: string | undefined): void {
    if (id !== undefined) this.numberOf.set(id, ++this.count);
  }

  /** The kind's items as listed after the parent `parentId` was created; `list` reads them all (paged). */
  async itemsAfter(kind: KindName, parentId: string, list: () => Promise<RawDoc[]>): Promise<RawDoc[]> {
    const needed = this.numberOf.get(parentId) ?? 0;
    let listing = this.listings.get(kind);
    if (!listing || listing.covers < needed) {
      const made = { covers: this.count, docs: list() };
      this.listings.set(kind, made);
      // A listing that failed is not kept: the next item asks again.
      made.docs.catch(() => this.listings.get(kind) === made && this.listings.delete(kind));
      listing = made;
    }
    return listing.docs;
  }
}
