import type { ReplayStore } from './memory-replay.js';
import { replayArguments, withinDeadline } from './replay-deadline.js';

/**
 * The one Redis call a {@link redisReplayStore} makes, as node-redis (4+) and ioredis spell
 * `SET key value NX EX ttl`: options object or positional words.
 */
export interface RedisSetLike {
  /** `SET key value …options`, as node-redis (an options object) and ioredis (words) spell it. */
  set(key: string, value: string, ...options: unknown[]): PromiseLike<unknown>;
  /** Only ioredis has it: how the spelling is told apart. */
  defineCommand?: unknown;
}

/**
 * Shares seen ids (DPoP proof `jti`s, logout token `jti`s) between the processes or isolates of
 * one API through Redis, so a proof replayed to another instance is refused too. Each `add` is
 * one atomic `SET key 1 NX EX ttl`: of two instances racing the same id, exactly one gets
 * `true`. node-redis 4+ and ioredis are told apart by ioredis' `defineCommand`.
 *
 * Fail closed: a Redis that errs or does not answer within 2 s rejects, and the caller refuses
 * the token or proof (a proof that could not be recorded could be replayed).
 *
 * @example
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const dpop = createDpopVerifier({ verifier, replay: redisReplayStore(redis) });
 *
 * @param options.prefix prepended to every id. @default 'tokenward:replay:'
 */
export function redisReplayStore(
  client: RedisSetLike,
  options: { prefix?: string } = {},
): ReplayStore {
  if (typeof client?.set !== 'function')
    throw new TypeError('redisReplayStore(client) needs a node-redis (4+) or ioredis client');
  const prefix = options.prefix ?? 'tokenward:replay:';
  const ioredis = typeof client.defineCommand === 'function';
  return {
    async add(id, ttlSeconds) {
      const ttl = replayArguments(id, ttlSeconds);
      const answer = ioredis
        ? client.set(prefix + id, '1', 'EX', ttl, 'NX')
        : client.set(prefix + id, '1', { NX: true, EX: ttl });
      // Redis answers OK when it set the key, nil (null) when NX found it there.
      return (await withinDeadline(answer, 'Redis SET NX')) === 'OK';
    },
  };
}
