"""Make a token the way a Flask-JWT RS256 server does (PyJWT, JWT_ALGORITHM = 'RS256').

    python3 sign_token.py [issuer] [audience] > token.txt
"""
import sys
import time

import jwt  # PyJWT: Debian's python3-jwt, or `pip install pyjwt[crypto]`

issuer = sys.argv[1] if len(sys.argv) > 1 else "https://api.example.com"
audience = sys.argv[2] if len(sys.argv) > 2 else "my-spa"
now = int(time.time())

with open("rs256.pem", "rb") as handle:
    private_key = handle.read()

claims = {"identity": 42, "sub": "42", "iss": issuer, "aud": audience, "iat": now, "nbf": now, "exp": now + 300}
print(jwt.encode(claims, private_key, algorithm="RS256"))
