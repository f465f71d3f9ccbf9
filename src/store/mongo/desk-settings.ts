import { Schema, type Connection, type Model } from 'mongoose';
import type { DeskSettings, DeskSettingsRepository } from '../../app/ports.ts';
import { modelOn, SCHEMA_OPTIONS } from './plain.ts';

/**
 * `desk_settings`: one small document per setting, `_id` "ceo" or "triage:<channel>", each written
 * whole by `_id`. Two admins changing different settings at once touch different documents:
 * FerretDB v1 updates a document by reading and rewriting it, so two updates of one shared
 * document at the same moment could lose one of them. The single "desk" document of earlier
 * versions is still read (its `ceoId`) until a new CEO is named.
 */
interface SettingDocument {
  _id: string;
  value?: string;
  /** Only on the earlier versions' "desk" document. */
  ceoId?: string;
}

const settingSchema = new Schema<SettingDocument>(
  { _id: { type: String, required: true }, value: String, ceoId: String },
  { ...SCHEMA_OPTIONS, collection: 'desk_settings' },
);

export function deskSettingsModel(connection: Connection): Model<SettingDocument> {
  return modelOn(connection, 'DeskSettings', settingSchema, 'desk_settings');
}

const CEO = 'ceo';
const TRIAGE = 'triage:';
const EARLIER = 'desk';

export class MongoDeskSettingsRepository implements DeskSettingsRepository {
  private readonly settings: Model<SettingDocument>;

  constructor(connection: Connection) {
    this.settings = deskSettingsModel(connection);
  }

  async get(): Promise<DeskSettings> {
    // A handful of documents: the CEO and one per channel.
    const found = await this.settings.find({}).lean<SettingDocument[]>();
    const byId = new Map(found.map((setting) => [setting._id, setting]));
    const ceoId = byId.get(CEO)?.value ?? byId.get(EARLIER)?.ceoId;
    const triage: Record<string, string> = {};
    for (const setting of found)
      if (setting._id.startsWith(TRIAGE) && setting.value)
        triage[setting._id.slice(TRIAGE.length)] = setting.value;
    return { ...(ceoId ? { ceoId } : {}), ...(Object.keys(triage).length > 0 ? { triage } : {}) };
  }

  setCeo(personId: string): Promise<void> {
    return this.set(CEO, personId);
  }

  setTriagePlace(channel: string, target: string): Promise<void> {
    return this.set(`${TRIAGE}${channel}`, target);
  }

  private async set(id: string, value: string): Promise<void> {
    // A replace by `_id` with upsert: of two first writes at once, the second replaces the first.
    await this.settings.replaceOne({ _id: id }, { value }, { upsert: true });
  }
}
