#!/bin/sh
# The issuer's RS256 key pair (as Flask-JWT uses one): the server signs with rs256.pem; the app
# ships rs256.pub inside its bundle (public-key.js), so no key request crosses the network.
set -e
cd "$(dirname "$0")"
openssl genrsa -out rs256.pem 2048 2>/dev/null
openssl rsa -in rs256.pem -pubout -out rs256.pub 2>/dev/null
printf 'export default %s;\n' "$(node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync("rs256.pub","utf8")))')" > public-key.js
echo "wrote rs256.pem (private: the issuer's), rs256.pub and public-key.js (public: bundled with the app)"
