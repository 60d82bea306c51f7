// The logout receiver as a Cloudflare Worker bundling the ESM build; ISSUER and CLIENT_ID are
// text bindings. One receiver per isolate, so replays reach the same replay store.
import * as tokenward from '../../dist/index.js';
import { createLogoutReceiver } from './logout-receiver.mjs';

let receiver;

export default {
  fetch(request, env) {
    receiver ??= createLogoutReceiver(tokenward, { issuer: env.ISSUER, clientId: env.CLIENT_ID });
    return receiver(request);
  },
};
