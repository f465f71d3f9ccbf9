import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS } from './plain.ts';

/**
 * One claimed version of a document, in `<kind>_revisions`, `_id` "<document id>@<version>".
 *
 * Writing version n of a document first inserts this: `_id` is unique on every server, so exactly
 * one writer per version gets past it, even on FerretDB v1 whose conditional updates are a read and
 * then a write. The claim is where a change is committed: it carries the new content until the
 * document itself is written (so a writer that dies in between leaves something the next reader of
 * the claims can finish, "settling"), and whatever the change must cause (`effects`), which stays
 * after the content of older revisions is dropped.
 *
 * Always addressed by `_id`: on the embedded FerretDB any other filter reads the whole collection.
 * `of` and `version` are kept for people reading the collection; no query uses them.
 */
export interface RevisionDocument<E = unknown> {
  _id: string;
  of: string;
  version: number;
  /** The document at this version, without `_id`; removed once two newer versions exist. */
  content?: Record<string, unknown>;
  effects?: E;
  claimedAt: Date;
}

export const revisionId = (id: string, version: number): string => `${id}@${version}`;

export function revisionModel(connection: Connection, kind: string): Model<RevisionDocument> {
  const schema = new Schema<RevisionDocument>(
    {
      _id: { type: String, required: true },
      of: { type: String, required: true },
      version: { type: Number, required: true },
      // Written as the owning repository cast and checked it.
      content: Schema.Types.Mixed,
      effects: Schema.Types.Mixed,
      claimedAt: { type: Date, required: true },
    },
    { ...SCHEMA_OPTIONS, collection: `${kind}_revisions`, minimize: false },
  );
  return modelOn(connection, `${kind}Revision`, schema, `${kind}_revisions`);
}

/** Revisions older than this many versions behind the newest keep only their number and effects. */
const REVISIONS_WITH_CONTENT = 2;
/** Rounds of "write the newest claimed version" one settle call makes at most. */
const SETTLE_ROUNDS = 10;

/** What a write found: the version it was asked to follow is no longer the stored one. */
export class StaleVersionError extends Error {
  override name = 'StaleVersionError';
}
/** The document was never created (or was removed by hand). */
export class MissingDocumentError extends Error {
  override name = 'MissingDocumentError';
}
/** `create` of an id that was created already. */
export class CreatedAlreadyError extends Error {
  override name = 'CreatedAlreadyError';
}

export interface Stored {
  _id: string;
  version: number;
}

/**
 * Documents with optimistic concurrency on `version`, for servers without transactions or atomic
 * conditional updates (FerretDB v1): each version is claimed once by a unique insert, then the
 * document is replaced by `_id` alone.
 *
 * Who writes the document: the claim's owner, and anyone who finds a claim above the stored version
 * ("settling"; a writer that died after claiming is finished this way, and a loser of a race settles
 * before it reports). All of them write a claim's own content with `findOneAndReplace` and look at
 * the document it replaced: a write that lands late, after a newer version (possible only when a
 * writer stalls between reading and writing while its claim is settled and the next save goes
 * through), is seen by its own writer, which settles forward again at once.
 *
 * `written` runs after each write of a version above 0 (by its writer or a settler), for derived
 * documents that follow the stored one.
 */
export class VersionedDocuments<D extends Stored, E = unknown> {
  constructor(
    private readonly documents: Model<D>,
    private readonly revisions: Model<RevisionDocument>,
    private readonly written: (document: D) => Promise<void> = async () => undefined,
  ) {}

  /** Commits version 0 and writes it; `CreatedAlreadyError` when that version was claimed before. */
  async create(document: D, effects?: E, beforeClaim?: () => Promise<void>): Promise<void> {
    await this.validate(document);
    await beforeClaim?.();
    await this.claim(document, effects);
    await this.writeNew(document);
  }

  /**
   * Commits `document` (at version n + 1) if the stored version is still n, then writes it.
   * `StaleVersionError` when someone else got there first, `MissingDocumentError` when there is
   * nothing to follow. `beforeClaim` runs once the version is known to follow, just before the commit.
   */
  async save(document: D, effects?: E, beforeClaim?: () => Promise<void>): Promise<void> {
    const id = document._id;
    await this.validate(document);
    // Checked before claiming, so that only a version that really follows the stored one is ever
    // claimed (a claim is never taken back once someone may have applied it).
    const stored = await this.storedVersion(id);
    if (stored === undefined) {
      if (!(await this.revisions.exists({ _id: revisionId(id, 0) }))) throw new MissingDocumentError(id);
      await this.settle(id);
      throw new StaleVersionError(id);
    }
    if (stored !== document.version - 1) {
      // Behind it: a write that landed late set it back (bring it forward again).
      if (stored < document.version - 1) await this.settle(id);
      throw new StaleVersionError(id);
    }
    try {
      await beforeClaim?.();
      await this.claim(document, effects);
    } catch (error) {
      if (!(error instanceof CreatedAlreadyError)) throw error;
      // Someone else holds it: finish their write if they died before making it, then report.
      await this.settle(id);
      throw new StaleVersionError(id);
    }
    const before = await this.replace(document);
    if (!before) {
      // Gone since the check (removed by hand): nobody can apply the claim, so take it back.
      await this.revisions.deleteOne({ _id: revisionId(id, document.version) });
      throw new MissingDocumentError(id);
    }
    if (before.version > document.version) await this.settle(id);
    else await this.written(document);
    if (document.version >= REVISIONS_WITH_CONTENT) {
      await this.revisions.updateOne(
        { _id: revisionId(id, document.version - REVISIONS_WITH_CONTENT) },
        { $unset: { content: 1 } },
      );
    }
  }

  /** The claim of one version: its effects, and whether it was committed at all. */
  async revision(id: string, version: number): Promise<RevisionDocument<E> | undefined> {
    return (await this.revisions.findById(revisionId(id, version)).lean<RevisionDocument<E>>()) ?? undefined;
  }

  /** The claims of versions 0 … `version`, in order, as far as they exist; read by `_id` in batches. */
  async revisionsUpTo(id: string, version: number): Promise<RevisionDocument<E>[]> {
    const BATCH = 200;
    const found: RevisionDocument<E>[] = [];
    for (let from = 0; from <= version; from += BATCH) {
      const ids = Array.from({ length: Math.min(BATCH, version + 1 - from) }, (_, i) =>
        revisionId(id, from + i),
      );
      const batch = await this.revisions
        .find({ _id: { $in: ids } }, { content: 0 })
        .lean<RevisionDocument<E>[]>();
      found.push(...batch);
    }
    return found.sort((a, b) => a.version - b.version);
  }

  /**
   * Brings the stored document up to its newest claimed version: walks the claims above the stored
   * version by `_id` until one is missing and writes the newest one's content (which holds every
   * older change, so the walk may skip versions). Returns the version stored afterwards.
   */
  async settle(id: string): Promise<number | undefined> {
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      const stored = await this.storedVersion(id);
      let newest: RevisionDocument | undefined;
      for (let version = (stored ?? -1) + 1; ; version++) {
        const claim = await this.revisions.findById(revisionId(id, version)).lean<RevisionDocument>();
        if (!claim) break;
        newest = claim;
      }
      if (!newest?.content) return stored;
      const document = { ...newest.content, _id: id } as unknown as D;
      if (stored === undefined) {
        await this.writeNew(document);
        continue;
      }
      const before = await this.replace(document);
      if (!before) return undefined;
      if (before.version <= newest.version) {
        await this.written(document);
        return newest.version;
      }
    }
    return this.storedVersion(id);
  }

  /** By the document's schema, before anything is written: a committed version must be writable. */
  private async validate(document: D): Promise<void> {
    await new this.documents(document).validate();
  }

  private async claim(document: D, effects: E | undefined): Promise<void> {
    const { _id: id, ...content } = document;
    try {
      await this.revisions.create({
        _id: revisionId(id, document.version),
        of: id,
        version: document.version,
        content,
        ...(effects === undefined ? {} : { effects }),
        claimedAt: new Date(),
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new CreatedAlreadyError(revisionId(id, document.version));
      throw error;
    }
  }

  private async writeNew(document: D): Promise<void> {
    try {
      await this.documents.create(document);
    } catch (error) {
      // A settler wrote it first: the same content.
      if (!isDuplicateKeyError(error) || !(await this.documents.exists({ _id: document._id }))) throw error;
    }
    // No `written` here: what follows a new document is written before its version 0 is claimed
    // (a ticket's shelf entry and open-queue summary), so the first write has nothing to follow.
  }

  private async replace(document: D): Promise<{ version: number } | null> {
    const { _id: id, ...content } = document;
    return this.documents
      .findOneAndReplace({ _id: id }, content as never, { returnDocument: 'before' })
      .lean<{ version: number }>();
  }

  async storedVersion(id: string): Promise<number | undefined> {
    const stored = await this.documents.findById(id).select({ version: 1 }).lean<{ version: number }>();
    return stored?.version;
  }
}
