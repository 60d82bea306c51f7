// The ky integration (withVerifiedToken, verifiedTokenHooks) lands with the HTTP issue.
export {};
