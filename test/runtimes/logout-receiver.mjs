// A back-channel logout endpoint as an app writes it with tokenward, run unchanged in Node (the
// sources) and in workerd (the built package). `tokenward` is the module under test. It keeps
// what it received so the test can replay and tamper with the provider's real logout tokens.

export function createLogoutReceiver(tokenward, { issuer, clientId }) {
  const logoutTokens = tokenward.createLogoutTokenVerifier({ issuer, clientId });
  const received = [];
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/__ready') return new Response('ready');
    if (pathname === '/received') return Response.json(received);
    const body = request.method === 'POST' ? await request.clone().text() : '';
    let logout = null;
    const response = await tokenward.handleLogoutRequest(request, logoutTokens, ({ sub, sid }) => {
      logout = { sub, sid };
    });
    const answer = response.status === 200 ? null : await response.clone().json();
    received.push({
      logoutToken: new URLSearchParams(body).get('logout_token'),
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      logout,
      error: answer?.error_description ?? null,
    });
    return response;
  };
}
