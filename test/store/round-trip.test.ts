import { Schema } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.ts';

interface Sample {
  key: string;
  title: string;
  tags: string[];
}

const sampleSchema = new Schema<Sample>({
  key: { type: String, required: true, unique: true },
  title: { type: String, required: true },
  tags: { type: [String], default: [] },
});

describe('database round trip through mongoose', () => {
  const database = useTestDatabase('round_trip');

  it('writes, rejects a duplicate unique key with code 11000, and reads back', async () => {
    const Samples = database().model<Sample>('Sample', sampleSchema);
    await Samples.init();

    const written = await Samples.create({ key: 'SD-1', title: 'Printer on fire', tags: ['hw'] });

    const duplicate = await Samples.create({ key: 'SD-1', title: 'Same key' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(duplicate).toMatchObject({ code: 11000 });

    const found = await Samples.findOne({ key: 'SD-1' }).lean();
    expect(found).toMatchObject({ key: 'SD-1', title: 'Printer on fire', tags: ['hw'] });
    expect(found?._id.equals(written._id)).toBe(true);
    expect(await Samples.countDocuments()).toBe(1);
  });
});
