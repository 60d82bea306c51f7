"""A Flask-JWT-style issuer on plain http, and the app shell that verifies its tokens.

    sh make-keys.sh && python3 issuer.py [port]     # then open http://panel.test:PORT/

POST /login hands out an RS256 token (PyJWT, as Flask-JWT signs with JWT_ALGORITHM = 'RS256').
The page is not a secure context (plain http, not localhost): it has no crypto.subtle, so it
verifies with tokenward/portable and the public key bundled into public-key.js. Served from
the same plain-http origin here for the demo only; see docs/no-tls.md for what a page
delivered without TLS can and cannot defend.
"""
import os
import sys
import time

import jwt  # PyJWT: Debian's python3-jwt
from flask import Flask, jsonify, send_from_directory

HERE = os.path.dirname(os.path.abspath(__file__))
DIST = os.path.join(HERE, "..", "..", "dist")
ISSUER = "http://panel.test"
AUDIENCE = "panel"

app = Flask(__name__)
with open(os.path.join(HERE, "rs256.pem"), "rb") as handle:
    PRIVATE_KEY = handle.read()


@app.post("/login")
def login():
    now = int(time.time())
    claims = {"identity": 42, "sub": "42", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + 300}
    return jsonify(access_token=jwt.encode(claims, PRIVATE_KEY, algorithm="RS256"))


@app.get("/")
def page():
    return send_from_directory(HERE, "index.html")


@app.get("/public-key.js")
def public_key():
    return send_from_directory(HERE, "public-key.js", mimetype="text/javascript")


@app.get("/tokenward/<path:name>")
def tokenward(name):
    # The built package (npm run build): the app's bundle in a real deployment.
    return send_from_directory(DIST, name, mimetype="text/javascript")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8080)
