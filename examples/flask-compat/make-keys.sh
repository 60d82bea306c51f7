#!/bin/sh
# The Flask-JWT RS256 key pair: the server signs with rs256.pem; rs256.pub is safe to publish.
set -e
cd "$(dirname "$0")"
openssl genrsa -out rs256.pem 2048
openssl rsa -in rs256.pem -pubout -out rs256.pub
echo "wrote rs256.pem (private: keep it on the server) and rs256.pub (public: publish it)"
