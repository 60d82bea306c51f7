// One of two processes racing for the same ids through a shared replay store (the built dist/).
// Node: redisReplayStore over node-redis or ioredis; Deno: denoKvReplayStore over a KV file.
// Waits until `startAt` (ms since the epoch) so both processes send at once; prints
// RESULT [true | false | "error: …", …], one per id.
const input = JSON.parse(globalThis.Deno ? Deno.args[0] : process.argv[2]);
const { ids, startAt, client } = input;

async function openStore() {
  if (client === 'deno-kv') {
    const { denoKvReplayStore } = await import('../../dist/node/index.js');
    const kv = await Deno.openKv(input.dbPath);
    return { store: denoKvReplayStore(kv), close: () => kv.close() };
  }
  const { redisReplayStore } = await import('../../dist/node/index.js');
  if (client === 'ioredis') {
    const { Redis } = await import('ioredis');
    const redis = new Redis({ port: input.port, host: '127.0.0.1' });
    return { store: redisReplayStore(redis), close: () => redis.quit() };
  }
  const { createClient } = await import('redis');
  const redis = await createClient({ url: `redis://127.0.0.1:${input.port}` }).connect();
  return { store: redisReplayStore(redis), close: () => redis.quit() };
}

const { store, close } = await openStore();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const results = await Promise.all(
  ids.map((id) => store.add(id, 60).catch((error) => `error: ${error.message}`)),
);
await close();
console.log(`RESULT ${JSON.stringify(results)}`);
