import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError, modelOn, SCHEMA_OPTIONS, withoutNulls, withoutUndefined } from './plain.ts';

import type { DeskSettings as StoredDeskSettings, DeskSettingsRepository } from '../../app/ports.ts';

/** `desk_settings`: a single document, `_id` "desk". */
type DeskSettingsDocument = StoredDeskSettings & { _id: string };

const DESK = 'desk';

const deskSettingsSchema = new Schema<DeskSettingsDocument>(
  { _id: { type: String, required: true }, ceoId: String, triage: { type: Schema.Types.Mixed } },
  { ...SCHEMA_OPTIONS, collection: 'desk_settings' },
);

export function deskSettingsModel(connection: Connection): Model<DeskSettingsDocument> {
  return modelOn(connection, 'DeskSettings', deskSettingsSchema, 'desk_settings');
}

export class MongoDeskSettingsRepository implements DeskSettingsRepository {
  private readonly settings: Model<DeskSettingsDocument>;

  constructor(connection: Connection) {
    this.settings = deskSettingsModel(connection);
  }

  async get(): Promise<StoredDeskSettings> {
    const document = await this.settings.findById(DESK).lean<DeskSettingsDocument>();
    if (!document) return {};
    const { _id, ...settings } = withoutNulls(document);
    return settings;
  }

  async save(settings: StoredDeskSettings): Promise<void> {
    const content = withoutUndefined({ ceoId: settings.ceoId, triage: settings.triage });
    try {
      await this.settings.replaceOne({ _id: DESK }, content, { upsert: true });
    } catch (error) {
      // Two first saves at once: one inserted the document, the other now simply replaces it.
      if (!isDuplicateKeyError(error)) throw error;
      await this.settings.replaceOne({ _id: DESK }, content, { upsert: true });
    }
  }
}
