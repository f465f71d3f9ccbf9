import { MongoClient, MongoNetworkError, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/domain-error.ts';
import { toHttpError } from '../../src/http/error-mapping.ts';
import { isDatabaseUnreachable } from '../../src/store/database-errors.ts';
import { freeLoopbackPort } from '../../src/store/embedded-ferretdb.ts';

/** What the driver really throws when nobody listens: a server selection that timed out. */
async function selectionFailure(): Promise<unknown> {
  const client = new MongoClient(`mongodb://127.0.0.1:${await freeLoopbackPort()}/`, {
    serverSelectionTimeoutMS: 50,
  });
  try {
    return await client
      .db('x')
      .collection('y')
      .findOne({})
      .catch((error: unknown) => error);
  } finally {
    await client.close();
  }
}

describe('isDatabaseUnreachable', () => {
  it('knows the driver’s and mongoose’s errors for a database that cannot be reached', async () => {
    const selection = await selectionFailure();
    expect((selection as Error).name).toBe('MongoServerSelectionError');
    const unreachable = [
      selection,
      new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'),
      new mongoose.Error.MongooseServerSelectionError('no server'),
      new mongoose.Error('Operation `tickets.findOne()` buffering timed out after 10000ms'),
      Object.assign(new MongoServerError({ message: 'shutting down' }), { code: 91 }),
      // Wrapped by whoever caught it on the way up.
      new Error('saving the ticket failed', { cause: new MongoNetworkError('socket hang up') }),
      new AggregateError([new Error('other'), selection], 'several failed'),
    ];
    for (const error of unreachable) expect(isDatabaseUnreachable(error), String(error)).toBe(true);
  });

  it('leaves every other failure alone', () => {
    const others = [
      Object.assign(new MongoServerError({ message: 'E11000 duplicate key' }), { code: 11000 }),
      new TypeError('x is undefined'),
      new DomainError('notFound', {}),
      'a string',
      undefined,
    ];
    for (const error of others) expect(isDatabaseUnreachable(error), String(error)).toBe(false);
  });

  it('makes a request answer 503 with Retry-After, never 500', async () => {
    const answer = toHttpError(new Error('wrapped', { cause: await selectionFailure() }));
    expect(answer).toMatchObject({
      status: 503,
      code: 'databaseUnavailable',
      key: 'api.errors.databaseUnavailable',
      headers: { 'Retry-After': '5' },
    });
    expect(toHttpError(new TypeError('a bug of ours'))).toBeUndefined();
  });
});
